import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plans, workspaces } from '../src/db/schema.js';
import { openOwnDatabase, startServer, type TestServer } from './support/harness.js';
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

  it.each(OPERATOR_SURFACES)(
    'except the operator gate, which reads the plan fresh: a workspace moved off Admin unannounced loses operator power at once over %s',
    async (_name, makeOperator) => {
      const operator = await t.tenant({ plan: 'admin', name: 'Demoted' });
      const surface = makeOperator(t);
      // The directory now holds the workspace on the Admin plan.
      expect((await surface.get(operator.key, operator.workspaceId)).status).toBe(200);
      await t.database.db.update(workspaces).set({ planId: 'plan_enterprise' }).where(eq(workspaces.id, operator.workspaceId));
      expect(await surface.get(operator.key, operator.workspaceId)).toMatchObject({
        status: 403,
        code: 'insufficient_permissions',
        message: "admin:operator works only for keys of a workspace on the Admin plan; this key's workspace is on the Enterprise plan",
      });
      expect((await surface.list(operator.key)).code).toBe('insufficient_permissions');
    },
  );

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

/**
 * Plans are loaded at start. In a rolling deploy on a shared database, a newer release may seed a
 * plan that an older instance has not loaded, and move workspaces to it: that instance reads its
 * plans again on a miss instead of failing the workspace's requests. Its own database, because
 * a plan added to the shared one would show in every other file's plan lists.
 */
describe('a plan added to the database after the server started', () => {
  let own: TestServer;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const d = await openOwnDatabase();
    drop = d.drop;
    own = await startServer({ database: d.database });
  });
  afterAll(async () => {
    await own?.close();
    await drop?.();
  });

  const addPlan = (id: string, name: string, requestsPerDay: number) =>
    own.database.db
      .insert(plans)
      .values({ id, name, sortOrder: 10, requestsPerSecond: 50, requestsPerMinute: 500, requestsPerDay, aiRequestsPerMinute: 60, allowsUnmetered: false });
  const moveBehindTheAppsBack = (workspaceId: string, planId: string) =>
    own.database.db.update(workspaces).set({ planId }).where(eq(workspaces.id, workspaceId));
  const dailyLimits = async (key: string) => [
    (await own.rest('GET', '/v1/me', { key })).headers.get('x-ratelimit-limit'),
    (await own.gql(ops.Viewer, {}, { key })).headers.get('x-ratelimit-limit'),
  ];

  it.each(OPERATOR_SURFACES)('is read on the first request of a workspace moved to it, over %s', async (name, makeOperator) => {
    const target = await own.tenant({ plan: 'pro' });
    await addPlan(`plan_growth_${name}`, `Growth ${name}`, 3_000);
    await moveBehindTheAppsBack(target.workspaceId, `plan_growth_${name}`);
    const seen = await makeOperator(own).ownPlans(target.key);
    expect([seen.status, seen.data?.me.name, seen.data?.workspace.requestsPerDay]).toEqual([200, `Growth ${name}`, 3_000]);
    expect(await dailyLimits(target.key)).toEqual(['3000', '3000']);
  });

  it.each(OPERATOR_SURFACES)('can be named by an operator moving a workspace to it, over %s', async (name, makeOperator) => {
    const operator = await own.tenant({ plan: 'admin', name: `Operators ${name}` });
    const target = await own.tenant({ plan: 'pro', name: `Team ${name}` });
    expect(await dailyLimits(target.key)).toEqual(['1000', '1000']);
    await addPlan(`plan_team_${name}`, `Team ${name}`, 4_000);
    const surface = makeOperator(own);
    const moved = await surface.update(operator.key, target.workspaceId, { plan: `team ${name}` });
    expect([moved.status, moved.data?.plan.id]).toEqual([200, `plan_team_${name}`]);
    expect((await surface.get(operator.key, target.workspaceId)).data?.plan.name).toBe(`Team ${name}`);
    expect((await surface.ownPlans(target.key)).data?.me.requestsPerDay).toBe(4_000);
    expect(await dailyLimits(target.key)).toEqual(['4000', '4000']);
  });

  it('is a catalog error, not a crash, when the plan is in no catalogue even read again', async () => {
    const operator = await own.tenant({ plan: 'admin', name: 'Operators' });
    const target = await own.tenant({ plan: 'pro', name: 'Orphaned' });
    // Only a database whose plan row went missing can hold this: the foreign key is bypassed to make one.
    await own.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.update(workspaces).set({ planId: 'plan_gone' }).where(eq(workspaces.id, target.workspaceId));
    });
    try {
      const unavailable = {
        status: 503,
        code: 'service_unavailable',
        message: "This workspace's plan (plan_gone) is not in the plan catalogue; retry in a few seconds",
      };
      for (const [, makeOperator] of OPERATOR_SURFACES) {
        const surface = makeOperator(own);
        expect(await surface.ownPlans(target.key)).toMatchObject(unavailable);
        expect(await surface.get(operator.key, target.workspaceId)).toMatchObject(unavailable);
      }
    } finally {
      await moveBehindTheAppsBack(target.workspaceId, 'plan_pro');
    }
  });
});
