import type { PageQuery } from '../../src/domain/pagination.js';
import { newId } from '../../src/domain/ids.js';
import { listAudit } from '../../src/domain/operator/audit.js';
import { grantCredits } from '../../src/domain/operator/credits.js';
import { clearLimitOverride, setLimitOverride } from '../../src/domain/operator/override.js';
import { updateWorkspace } from '../../src/domain/operator/update.js';
import { getManagedWorkspace, listManagedWorkspaces } from '../../src/domain/operator/workspaces.js';
import { describe, expect, test, type Domain } from '../support/fixture.js';
import { moveToTomorrow } from '../support/harness.js';
import { logEntry } from '../support/log-entry.js';

const PAGE = { limit: 100 };
const HOUR = 3_600_000;
const UNKNOWN_WS = 'ws_01JAAAAAAAAAAAAAAAAAAAAAAA';

/** The Admin plan's workspace, whose bootstrap key holds admin:operator. */
const operators = (domain: Domain) => domain.workspace({ plan: 'admin', name: 'Operators' });

describe('operator: who may manage workspaces', () => {
  test('a key without admin:operator is refused every operation, and nothing changes', async ({ domain }) => {
    const op = await operators(domain);
    const target = await domain.workspace({ plan: 'starter' });
    const reader = await domain.caller(op, { permissions: ['read:contacts', 'admin:api_keys'] });
    const enterprise = await domain.workspace();
    const until = new Date(domain.clock.now() + HOUR).toISOString();
    const id = target.workspace.id;
    for (const caller of [reader, enterprise.admin]) {
      for (const call of [
        () => listManagedWorkspaces(caller.ctx(), {}, PAGE),
        () => getManagedWorkspace(caller.ctx(), id),
        () => updateWorkspace(caller.ctx(), id, { plan: 'enterprise' }),
        () => setLimitOverride(caller.ctx(), id, { multiplier: 10, expiresAt: until }),
        () => clearLimitOverride(caller.ctx(), id),
        () => grantCredits(caller.ctx(), id, { amount: 100 }),
        () => listAudit(caller.ctx(), id, PAGE),
      ]) {
        await expect(call()).rejects.toMatchObject({ code: 'insufficient_permissions', message: 'Missing required permission: admin:operator' });
      }
    }
    expect(await getManagedWorkspace(op.admin.ctx(), id)).toMatchObject({ creditBalance: 0, plan: { name: 'Starter', override: null } });
    expect((await listAudit(op.admin.ctx(), id, PAGE)).items).toEqual([]);
  });

  test('a key holding admin:operator is refused once its workspace left the Admin plan', async ({ domain }) => {
    const op = await operators(domain);
    const former = await domain.workspace({ plan: 'admin', name: 'Former operators' });
    expect((await getManagedWorkspace(former.admin.ctx(), op.workspace.id)).id).toBe(op.workspace.id);
    await updateWorkspace(op.admin.ctx(), former.workspace.id, { plan: 'enterprise' });
    await expect(listManagedWorkspaces(former.admin.ctx(), {}, PAGE)).rejects.toMatchObject({
      code: 'insufficient_permissions',
      message: "admin:operator works only for keys of a workspace on the Admin plan; this key's workspace is on the Enterprise plan",
    });
  });

  test('an unknown workspace is not_found', async ({ domain }) => {
    const op = await operators(domain);
    for (const call of [
      () => getManagedWorkspace(op.admin.ctx(), UNKNOWN_WS),
      () => updateWorkspace(op.admin.ctx(), UNKNOWN_WS, { name: 'x' }),
      () => grantCredits(op.admin.ctx(), UNKNOWN_WS, { amount: 1 }),
      () => clearLimitOverride(op.admin.ctx(), UNKNOWN_WS),
      () => listAudit(op.admin.ctx(), UNKNOWN_WS, PAGE),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'not_found', message: 'Workspace not found' });
    }
  });
});

describe('operator: workspaces and their audit', () => {
  test('describe a workspace: plan, balance, keys that can authenticate, calls today', async ({ domain }) => {
    const op = await operators(domain);
    const start = moveToTomorrow(domain.clock, '08:00:00');
    const ws = await domain.workspace({ plan: 'pro', name: 'Described', credits: 40 });
    await domain.caller(ws, { permissions: ['read:contacts'] });
    for (const [i, at] of [start - HOUR * 9, start, start + 1000].entries()) {
      domain.log(
        logEntry({ id: newId('requestLog', at), workspaceId: ws.workspace.id, keyId: ws.admin.key.id, requestId: `req_described_${i}`, at: new Date(at) }),
      );
    }
    // Yesterday's call is not today's.
    expect(await getManagedWorkspace(op.admin.ctx(), ws.workspace.id)).toMatchObject({
      id: ws.workspace.id,
      name: 'Described',
      plan: { id: 'plan_pro', name: 'Pro', override: null },
      storedOverride: null,
      creditBalance: 40,
      keyCount: 2,
      callsToday: 2,
    });
  });

  test('list filters by name and plan, newest first, and pages by id', async ({ domain }) => {
    const op = await operators(domain);
    // The PostgreSQL pass keeps its database between runs: a name no earlier run used.
    const tag = `Listed ${newId('workspace')}`;
    const a = await domain.workspace({ plan: 'pro', name: `${tag} a` });
    const b = await domain.workspace({ plan: 'starter', name: `${tag} b` });
    const c = await domain.workspace({ plan: 'pro', name: `${tag} c` });
    const ids = async (filter: Parameters<typeof listManagedWorkspaces>[1], page: PageQuery = PAGE) =>
      (await listManagedWorkspaces(op.admin.ctx(), filter, page)).items.map((w) => w.id);
    expect(await ids({ name: tag })).toEqual([c, b, a].map((w) => w.workspace.id));
    expect(await ids({ name: tag, plan: 'Pro' })).toEqual([c, a].map((w) => w.workspace.id));
    expect(await ids({ name: tag }, { limit: 1, cursor: (await listManagedWorkspaces(op.admin.ctx(), { name: tag }, { limit: 1 })).nextCursor })).toEqual([
      b.workspace.id,
    ]);
    await expect(listManagedWorkspaces(op.admin.ctx(), { plan: 'platinum' }, PAGE)).rejects.toMatchObject({
      code: 'validation_error',
      message: 'plan must be one of Free, Starter, Pro, Scale, Org, Enterprise, Admin',
    });
  });

  test('every change is audited with its actor, before and after, and announced; a no-op is neither', async ({ domain }) => {
    const op = await operators(domain);
    const ws = await domain.workspace({ plan: 'starter', name: 'Audited' });
    const id = ws.workspace.id;
    const until = new Date(domain.clock.now() + 2 * HOUR);

    const moved = await updateWorkspace(op.admin.ctx(), id, { plan: 'pro', name: 'Audited Inc' });
    expect(moved).toMatchObject({ name: 'Audited Inc', plan: { id: 'plan_pro' } });
    expect(domain.announcedWorkspaces.at(-1)).toBe(id);
    const announced = domain.announcedWorkspaces.length;
    await updateWorkspace(op.admin.ctx(), id, { plan: 'pro' });
    expect(domain.announcedWorkspaces).toHaveLength(announced);

    const lifted = await setLimitOverride(op.admin.ctx(), id, { multiplier: 2, expiresAt: until.toISOString(), reason: 'launch' });
    expect(lifted.plan).toMatchObject({ requestsPerDay: 2000, override: { multiplier: 2, reason: 'launch' } });
    // Past its expiry the plan's own limits hold, with nothing run to end it.
    domain.clock.advance(3 * HOUR);
    expect((await getManagedWorkspace(op.admin.ctx(), id)).plan).toMatchObject({ requestsPerDay: 1000, override: null });
    expect((await getManagedWorkspace(op.admin.ctx(), id)).storedOverride).toMatchObject({ multiplier: 2 });
    await clearLimitOverride(op.admin.ctx(), id);
    // By the CLI: no key, audited as "cli".
    expect((await grantCredits(domain.cli(), id, { amount: 25 })).creditBalance).toBe(25);

    const { items: audit } = await listAudit(op.admin.ctx(), id, PAGE);
    expect(audit.map((e) => [e.actor, e.action])).toEqual([
      ['cli', 'credits_added'],
      [op.admin.key.id, 'override_cleared'],
      [op.admin.key.id, 'override_set'],
      [op.admin.key.id, 'workspace_updated'],
    ]);
    expect(audit[0]).toMatchObject({ before: { credit_balance: 0 }, after: { credit_balance: 25 } });
    expect(audit[3]).toMatchObject({ before: { name: 'Audited', plan: 'plan_starter' }, after: { name: 'Audited Inc', plan: 'plan_pro' } });
    expect(audit[2]!.after).toMatchObject({ override: { multiplier: 2, expires_at: until.toISOString(), reason: 'launch' } });
    const pastTwo = (await listAudit(op.admin.ctx(), id, { limit: 2 })).nextCursor;
    expect((await listAudit(op.admin.ctx(), id, { limit: 1, cursor: pastTwo })).items.map((e) => e.action)).toEqual(['override_set']);
  });

  test('bad input names the field and what is wanted', async ({ domain }) => {
    const op = await operators(domain);
    const { workspace } = await domain.workspace({ plan: 'starter' });
    const now = domain.clock.now();
    const until = new Date(now + HOUR).toISOString();
    const refused = (call: Promise<unknown>, message: string) => expect(call).rejects.toMatchObject({ code: 'validation_error', message });
    await refused(updateWorkspace(op.admin.ctx(), workspace.id, {}), 'name or plan is required: give at least one');
    await refused(updateWorkspace(op.admin.ctx(), workspace.id, { plan: 'platinum' }), 'plan must be one of Free, Starter, Pro, Scale, Org, Enterprise, Admin');
    await refused(
      setLimitOverride(op.admin.ctx(), workspace.id, { multiplier: 0.5, expiresAt: until }),
      'multiplier must be a number above 1 and at most 1000',
    );
    await refused(
      setLimitOverride(op.admin.ctx(), workspace.id, { multiplier: 2, requestsPerDay: 5, expiresAt: until }),
      'multiplier cannot be combined with explicit limits: give a multiplier or explicit numbers, not both',
    );
    await refused(
      setLimitOverride(op.admin.ctx(), workspace.id, { multiplier: 2, expiresAt: new Date(now - 1).toISOString() }),
      `expiresAt must be in the future (it is now ${new Date(now).toISOString()})`,
    );
    await refused(
      setLimitOverride(op.admin.ctx(), workspace.id, { multiplier: 2, expiresAt: new Date(now + 91 * 24 * HOUR).toISOString() }),
      `expiresAt must be at most 90 days ahead, by ${new Date(now + 90 * 24 * HOUR).toISOString()}`,
    );
    await refused(grantCredits(op.admin.ctx(), workspace.id, { amount: 0 }), 'amount must be a whole number from 1 to 2147483647');
    expect((await listAudit(op.admin.ctx(), workspace.id, PAGE)).items).toEqual([]);
  });
});
