import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaces } from '../src/db/schema.js';
import { startServer, type TestServer } from './support/harness.js';
import * as ops from './support/operations.js';
import { graphqlOperator, OPERATOR_SURFACES, restOperator } from './support/operator-surfaces.js';

/**
 * Workspace and plan facts have one source, the app's cached directory: admission, REST's
 * /v1/me and /v1/workspace, GraphQL's viewer.plan and viewer.workspace all read it, so they
 * never disagree, and a change reaches all of them by one invalidation. The credit balance is
 * not one of those facts: it is read fresh.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

/** Every reader of the caller's workspace and plan, on both surfaces, and what it says. */
async function readers(key: string): Promise<Record<string, unknown>> {
  const rest = restOperator(t);
  const gql = graphqlOperator(t);
  const me = await t.rest('GET', '/v1/me', { key });
  const viewer = await t.gql(ops.Viewer, {}, { key });
  const [restPlans, gqlPlans] = [(await rest.ownPlans(key)).data!, (await gql.ownPlans(key)).data!];
  return {
    'admission over REST (daily limit)': me.headers.get('x-ratelimit-limit'),
    'admission over GraphQL (daily limit)': viewer.headers.get('x-ratelimit-limit'),
    'REST /v1/me workspace': [me.body.data.workspace.name, me.body.data.workspace.plan_id],
    'REST /v1/me plan': [restPlans.me.name, restPlans.me.requestsPerDay],
    'REST /v1/workspace plan': [restPlans.workspace.name, restPlans.workspace.requestsPerDay],
    'GraphQL viewer.workspace': [viewer.body.data!.viewer.workspace.name, viewer.body.data!.viewer.plan.id],
    'GraphQL viewer.plan': [gqlPlans.me.name, gqlPlans.me.requestsPerDay],
    'GraphQL viewer.workspace.plan': [gqlPlans.workspace.name, gqlPlans.workspace.requestsPerDay],
  };
}

/** What every reader says of a workspace named `name` on `plan` (`daily` requests a day). */
function everyReaderSays(name: string, planId: string, plan: string, daily: number): Record<string, unknown> {
  return {
    'admission over REST (daily limit)': String(daily),
    'admission over GraphQL (daily limit)': String(daily),
    'REST /v1/me workspace': [name, planId],
    'REST /v1/me plan': [plan, daily],
    'REST /v1/workspace plan': [plan, daily],
    'GraphQL viewer.workspace': [name, planId],
    'GraphQL viewer.plan': [plan, daily],
    'GraphQL viewer.workspace.plan': [plan, daily],
  };
}

describe('workspace and plan facts', () => {
  it.each(OPERATOR_SURFACES)('agree everywhere after an operator moves a workspace to another plan over %s', async (_name, makeOperator) => {
    const operator = await t.tenant({ plan: 'admin', name: 'Operators' });
    // Plans whose per-second and per-minute windows leave room for every reader's request.
    const target = await t.tenant({ plan: 'scale', name: 'Before' });
    // Warm every cache first: the change must reach readers that already hold the old facts.
    expect(await readers(target.key)).toEqual(everyReaderSays('Before', 'plan_scale', 'Scale', 5_000));

    expect((await makeOperator(t).update(operator.key, target.workspaceId, { plan: 'enterprise', name: 'After' })).status).toBe(200);
    expect(await readers(target.key)).toEqual(everyReaderSays('After', 'plan_enterprise', 'Enterprise', 200_000));
  });

  it('come from one cached source: a write nobody announced reaches no reader, and its announcement reaches them all', async () => {
    const target = await t.tenant({ plan: 'scale', name: 'Cached' });
    expect(await readers(target.key)).toEqual(everyReaderSays('Cached', 'plan_scale', 'Scale', 5_000));

    // Behind the app's back: no reader queries the table for itself, so none sees this yet...
    await t.database.db.update(workspaces).set({ planId: 'plan_enterprise', name: 'Moved' }).where(eq(workspaces.id, target.workspaceId));
    expect(await readers(target.key)).toEqual(everyReaderSays('Cached', 'plan_scale', 'Scale', 5_000));

    // ...and once the change is announced, as every writer of a workspace does, all of them do.
    await t.app.services.workspaceChanged(target.workspaceId);
    expect(await readers(target.key)).toEqual(everyReaderSays('Moved', 'plan_enterprise', 'Enterprise', 200_000));
  });

  it('leave out the credit balance, which every surface reads fresh', async () => {
    const target = await t.tenant({ plan: 'starter' });
    const balances = async () => [
      (await t.rest('GET', '/v1/workspace', { key: target.key })).body.data.credit_balance,
      (await t.gql(ops.WorkspaceUsage, {}, { key: target.key })).body.data!.viewer.workspace.creditBalance,
    ];
    expect(await balances()).toEqual([0, 0]);
    await t.database.db.update(workspaces).set({ creditBalance: 42 }).where(eq(workspaces.id, target.workspaceId));
    expect(await balances()).toEqual([42, 42]);
  });
});
