import { beforeEach, describe, expect, it } from 'vitest';
import { expandScopes } from '../src/domain/scopes.js';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';
import { OPERATOR_SURFACES, type OperatorSurface } from './support/operator-surfaces.js';
import { SURFACES, type Surface } from './support/surfaces.js';

const t = serverForFile();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const UNKNOWN_WS = 'ws_01JAAAAAAAAAAAAAAAAAAAAAAA';

/** Moves the shared clock to the next day at `hhmmss` (UTC): each test starts on fresh windows. */
function moveTo(hhmmss: string): number {
  const day = new Date(t.clock.now() + DAY).toISOString().slice(0, 10);
  t.clock.set(`${day}T${hhmmss}.000Z`);
  return t.clock.now();
}

describe.each(OPERATOR_SURFACES.map(([name, op], i) => [name, op, SURFACES[i]![1]] as const))(
  'operator controls over %s',
  (_name, makeOperator, makeSurface) => {
    let op: OperatorSurface;
    let s: Surface;
    /** The Admin plan's workspace: its bootstrap key holds admin:operator. */
    let operator: Tenant;
    beforeEach(async () => {
      op = makeOperator(t);
      s = makeSurface(t);
      operator = await t.tenant({ plan: 'admin', name: 'Operators' });
    });

    it('gives admin:operator to the bootstrap key on the Admin plan only, and in no shorthand', async () => {
      expect((await s.me(operator.key)).data!.permissions).toContain('admin:operator');
      const tenant = await t.tenant({ plan: 'enterprise' });
      expect((await s.me(tenant.key)).data!.permissions).not.toContain('admin:operator');
      expect(expandScopes(['read', 'write', 'lexi']).scopes).not.toContain('admin:operator');
    });

    it('refuses every operation to a key without admin:operator (403), the Admin plan workspace included', async () => {
      const target = await t.tenant({ plan: 'starter' });
      const reader = (await s.createKey(operator.key, { name: 'reader', permissions: ['read:contacts', 'admin:api_keys'] })).data!;
      const enterprise = await t.tenant({ plan: 'enterprise' });
      const until = new Date(t.clock.now() + HOUR).toISOString();
      for (const key of [reader.secret, enterprise.key]) {
        const denied = (r: { status: number; code?: string; message?: string }) =>
          expect(r).toMatchObject({ status: 403, code: 'insufficient_permissions', message: 'Missing required permission: admin:operator' });
        denied(await op.list(key));
        denied(await op.get(key, target.workspaceId));
        denied(await op.update(key, target.workspaceId, { plan: 'enterprise' }));
        denied(await op.setOverride(key, target.workspaceId, { multiplier: 10, expiresAt: until }));
        denied(await op.clearOverride(key, target.workspaceId));
        denied(await op.addCredits(key, target.workspaceId, 100));
        denied(await op.audit(key, target.workspaceId));
      }
      const after = (await op.get(operator.key, target.workspaceId)).data!;
      expect(after).toMatchObject({ creditBalance: 0, plan: { name: 'Starter', override: null } });
      expect((await op.audit(operator.key, target.workspaceId)).data!.items).toEqual([]);
    });

    it('refuses a key holding admin:operator once its workspace left the Admin plan, and never mints the scope elsewhere', async () => {
      const second = await t.tenant({ plan: 'admin', name: 'Former operators' });
      const spare = (await s.createKey(second.key, { name: 'spare operator', permissions: ['admin:operator', 'admin:api_keys'] })).data!;
      expect(spare.permissions).toEqual(['admin:api_keys', 'admin:operator']);
      expect((await op.get(second.key, operator.workspaceId)).status).toBe(200);

      expect((await op.update(operator.key, second.workspaceId, { plan: 'enterprise' })).status).toBe(200);
      const refused = await op.list(second.key);
      expect(refused).toMatchObject({
        status: 403,
        code: 'insufficient_permissions',
        message: "admin:operator works only for keys of a workspace on the Admin plan; this key's workspace is on the Enterprise plan",
      });
      // Minting it outside the Admin plan is bad input that names the rule, whoever asks.
      const minted = await s.createKey(second.key, { name: 'another operator', permissions: ['admin:operator'] });
      expect(minted).toMatchObject({ status: 400, code: 'validation_error' });
      expect(minted.message).toMatch(/^permissions may hold admin:operator only in a workspace on the Admin plan$/);
      const rotated = await s.rotateKey(second.key, spare.id);
      expect(rotated).toMatchObject({
        status: 400,
        code: 'validation_error',
        message: 'permissions may hold admin:operator only in a workspace on the Admin plan',
      });
      const enterprise = await t.tenant({ plan: 'enterprise' });
      expect(await s.createKey(enterprise.key, { name: 'operator', permissions: ['admin:operator'] })).toMatchObject({ status: 400, code: 'validation_error' });

      // Back on the Admin plan, the same key works again.
      await op.update(operator.key, second.workspaceId, { plan: 'admin' });
      expect((await op.list(second.key)).status).toBe(200);
    });

    it("lists and shows workspaces with their plan, balance, active keys, today's calls and override", async () => {
      moveTo('09:00:00');
      const name = `Bulk ${Math.random().toString(36).slice(2)}`;
      const target = await t.tenant({ plan: 'pro', name });
      await s.createKey(target.key, { name: 'second', permissions: ['read:contacts'] });
      const gone = (await s.createKey(target.key, { name: 'gone', permissions: ['read:contacts'] })).data!;
      await s.revokeKey(target.key, gone.id);
      for (let i = 0; i < 3; i++) expect((await s.me(target.key)).status).toBe(200);
      // Yesterday's calls are not today's.
      t.clock.advance(-10 * HOUR);
      await s.me(target.key);
      t.clock.advance(10 * HOUR);
      await op.addCredits(operator.key, target.workspaceId, 750);

      const one = await op.get(operator.key, target.workspaceId);
      expect(one).toMatchObject({ status: 200, data: { id: target.workspaceId, name, creditBalance: 750, keyCount: 2 } });
      // 3 calls of `me`, the key operations (create, create, revoke) the tenant's key made today.
      expect(one.data!.callsToday).toBe(6);
      expect(one.data!.plan).toEqual({
        id: 'plan_pro',
        name: 'Pro',
        requestsPerSecond: 10,
        requestsPerMinute: 50,
        requestsPerDay: 1000,
        aiRequestsPerMinute: 60,
        override: null,
      });

      const listed = await op.list(operator.key, { name: name.toUpperCase() });
      expect(listed.data!.items).toEqual([one.data]);
      expect((await op.list(operator.key, { name, plan: 'starter' })).data!.items).toEqual([]);
      const page1 = await op.list(operator.key, { first: 2 });
      expect(page1.data!.items).toHaveLength(2);
      // Newest first: the target was created after this test's operator workspace.
      const page2 = await op.list(operator.key, { first: 2, after: page1.data!.next! });
      expect(page2.data!.items.map((w) => w.id)).not.toContain(page1.data!.items[0]!.id);
      expect(await op.list(operator.key, { plan: 'platinum' })).toMatchObject({ status: 400, code: 'validation_error' });
    });

    it('answers not_found for an unknown workspace id on every operation', async () => {
      const until = new Date(t.clock.now() + HOUR).toISOString();
      const missing = (r: { status: number; code?: string; message?: string }) =>
        expect(r).toMatchObject({ status: 404, code: 'not_found', message: 'Workspace not found' });
      missing(await op.get(operator.key, UNKNOWN_WS));
      missing(await op.update(operator.key, UNKNOWN_WS, { name: 'x' }));
      missing(await op.setOverride(operator.key, UNKNOWN_WS, { multiplier: 2, expiresAt: until }));
      missing(await op.clearOverride(operator.key, UNKNOWN_WS));
      missing(await op.addCredits(operator.key, UNKNOWN_WS, 5));
      missing(await op.audit(operator.key, UNKNOWN_WS));
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['a multiplier of 1 or less', { multiplier: 0.5 }, /^multiplier must be a number above 1 and at most 1000$/],
      ['a multiplier over 1000', { multiplier: 5000 }, /^multiplier must be a number above 1 and at most 1000$/],
      ['both a multiplier and numbers', { multiplier: 2, requestsPerSecond: 50 }, /^multiplier cannot be combined with explicit limits/],
      ['neither a multiplier nor numbers', {}, /^multiplier or at least one explicit limit .* is required$/],
      ['a zero limit', { requestsPerDay: 0 }, /^requests_?per_?day must be a whole number from 1 to 2147483647$/i],
      ['an expiry in the past', { multiplier: 2, expiresAt: '2020-01-01T00:00:00Z' }, /^expires_?at must be in the future \(it is now /i],
      ['an expiry over 90 days ahead', { multiplier: 2, expiresAt: 'far' }, /^expires_?at must be at most 90 days ahead, by /i],
      ['a reason over 500 characters', { multiplier: 2, reason: 'r'.repeat(501) }, /^reason must be at most 500 characters$/],
    ])('refuses an override with %s (validation_error naming the field), changing nothing', async (_case, input, message) => {
      const target = await t.tenant({ plan: 'starter' });
      const now = t.clock.now();
      const given = input.expiresAt as string | undefined;
      const expiresAt = given === 'far' ? new Date(now + 91 * DAY).toISOString() : (given ?? new Date(now + HOUR).toISOString());
      const r = await op.setOverride(operator.key, target.workspaceId, { ...input, expiresAt });
      expect(r).toMatchObject({ status: 400, code: 'validation_error' });
      expect(r.message).toMatch(message);
      expect((await op.get(operator.key, target.workspaceId)).data!.plan.override).toBeNull();
      expect((await op.audit(operator.key, target.workspaceId)).data!.items).toEqual([]);
    });

    it('refuses an unknown plan, an empty change and a bad credit amount (validation_error naming the field)', async () => {
      const target = await t.tenant({ plan: 'starter' });
      const plan = await op.update(operator.key, target.workspaceId, { plan: 'platinum' });
      expect(plan).toMatchObject({ status: 400, code: 'validation_error', message: 'plan must be one of Free, Starter, Pro, Scale, Org, Enterprise, Admin' });
      expect(await op.update(operator.key, target.workspaceId, {})).toMatchObject({
        status: 400,
        code: 'validation_error',
        message: 'name or plan is required: give at least one',
      });
      expect(await op.update(operator.key, target.workspaceId, { name: ' ' })).toMatchObject({ status: 400, message: 'name must be 1 to 120 characters' });
      expect(await op.addCredits(operator.key, target.workspaceId, 0)).toMatchObject({
        status: 400,
        code: 'validation_error',
        message: 'amount must be a whole number from 1 to 2147483647',
      });
      // The balance stays within what every surface carries exactly (GraphQL's Int): a top-up past it is refused whole.
      expect((await op.addCredits(operator.key, target.workspaceId, 2_000_000_000)).status).toBe(200);
      expect(await op.addCredits(operator.key, target.workspaceId, 200_000_000)).toMatchObject({
        status: 400,
        code: 'validation_error',
        message: 'amount would take the balance past 2147483647 credits: it is 2000000000, so at most 147483647 can be added',
      });
      expect((await op.get(operator.key, target.workspaceId)).data).toMatchObject({ creditBalance: 2_000_000_000 });
      expect((await op.get(operator.key, target.workspaceId)).data).toMatchObject({ name: expect.any(String), plan: { name: 'Starter' } });
      expect((await op.audit(operator.key, target.workspaceId)).data!.items.map((e: { action: string }) => e.action)).toEqual(['credits_added']);
    });

    it('audits every change: who, what, before and after, newest first', async () => {
      const start = moveTo('08:00:00');
      const target = await t.tenant({ plan: 'starter', name: 'Audited' });
      const until = new Date(start + 7 * DAY).toISOString();
      await op.update(operator.key, target.workspaceId, { name: 'Audited Inc', plan: 'pro' });
      t.clock.advance(1000);
      await op.setOverride(operator.key, target.workspaceId, { multiplier: 2.5, expiresAt: until, reason: 'bulk import' });
      t.clock.advance(1000);
      await op.clearOverride(operator.key, target.workspaceId);
      // Clearing again changes nothing, and records nothing.
      await op.clearOverride(operator.key, target.workspaceId);
      t.clock.advance(1000);
      await op.addCredits(operator.key, target.workspaceId, 500);
      // A change to what it already is records nothing either.
      await op.update(operator.key, target.workspaceId, { plan: 'Pro' });

      const lifted = {
        multiplier: 2.5,
        requests_per_second: null,
        requests_per_minute: null,
        requests_per_day: null,
        ai_requests_per_minute: null,
        expires_at: until,
        reason: 'bulk import',
      };
      const entries = (await op.audit(operator.key, target.workspaceId)).data!.items;
      expect(entries.map(({ id: _id, ...e }) => e)).toEqual([
        {
          actor: operator.keyId,
          action: 'credits_added',
          before: { credit_balance: 0 },
          after: { credit_balance: 500 },
          at: new Date(start + 3000).toISOString(),
        },
        {
          actor: operator.keyId,
          action: 'override_cleared',
          before: { override: lifted },
          after: { override: null },
          at: new Date(start + 2000).toISOString(),
        },
        { actor: operator.keyId, action: 'override_set', before: { override: null }, after: { override: lifted }, at: new Date(start + 1000).toISOString() },
        {
          actor: operator.keyId,
          action: 'workspace_updated',
          before: { name: 'Audited', plan: 'plan_starter' },
          after: { name: 'Audited Inc', plan: 'plan_pro' },
          at: new Date(start).toISOString(),
        },
      ]);
      const first = await op.audit(operator.key, target.workspaceId, { first: 3 });
      expect(first.data!.items.map((e) => e.action)).toEqual(['credits_added', 'override_cleared', 'override_set']);
      const rest = await op.audit(operator.key, target.workspaceId, { first: 3, after: first.data!.next! });
      expect(rest.data).toEqual({ items: [entries[3]], next: null });
    });

    it('lifts the limits with a multiplier, shows the lifted numbers and the end, then lets the plan return by itself', async () => {
      const start = moveTo('10:00:00');
      const target = await t.tenant({ plan: 'starter' });
      const ends = start + 2 * 60_000;
      const set = await op.setOverride(operator.key, target.workspaceId, { multiplier: 3, expiresAt: new Date(ends).toISOString(), reason: 'bulk import' });
      const override = {
        multiplier: 3,
        requestsPerSecond: null,
        requestsPerMinute: null,
        requestsPerDay: null,
        aiRequestsPerMinute: null,
        expiresAt: new Date(ends).toISOString(),
        reason: 'bulk import',
      };
      const liftedPlan = {
        id: 'plan_starter',
        name: 'Starter',
        requestsPerSecond: 15,
        requestsPerMinute: 30,
        requestsPerDay: 300,
        aiRequestsPerMinute: 90,
        override,
      };
      expect(set.data!.plan).toEqual(liftedPlan);

      // Plan fields, headers and the refusal all say the lifted numbers and when they end.
      expect((await op.ownPlans(target.key)).data).toEqual({ me: liftedPlan, workspace: liftedPlan });
      // A fresh second: reading the plans took one request or two, depending on the surface.
      t.clock.advance(1000);
      for (let i = 1; i <= 15; i++) {
        const r = await s.me(target.key);
        expect(r.status).toBe(200);
        expect(r.headers.get('ratelimit-policy')).toBe('"second";q=15;w=1, "minute";q=30;w=60, "day";q=300;w=86400');
        expect(r.headers.get('x-ratelimit-limit')).toBe('300');
        expect(r.headers.get('x-ratelimit-override-expires')).toBe(isoSeconds(ends));
      }
      const refused = await s.me(target.key);
      expect(refused).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(refused.message).toBe(
        `Rate limit exceeded: 15 requests per second under a temporary override until ${isoSeconds(ends)}. Resets at ${isoSeconds(start + 2000)}`,
      );
      expect(refused.headers.get('x-ratelimit-override-expires')).toBe(isoSeconds(ends));
      expect(refused.headers.get('retry-after')).toBe('1');

      // The override ends on its own: nothing runs, the plan's numbers simply hold again.
      t.clock.set(ends);
      const plan = {
        id: 'plan_starter',
        name: 'Starter',
        requestsPerSecond: 5,
        requestsPerMinute: 10,
        requestsPerDay: 100,
        aiRequestsPerMinute: 30,
        override: null,
      };
      expect((await op.ownPlans(target.key)).data).toEqual({ me: plan, workspace: plan });
      expect((await op.get(operator.key, target.workspaceId)).data!.plan).toEqual(plan);
      t.clock.advance(1000);
      for (let i = 0; i < 5; i++) {
        const r = await s.me(target.key);
        expect(r.status).toBe(200);
        expect(r.headers.get('ratelimit-policy')).toBe('"second";q=5;w=1, "minute";q=10;w=60, "day";q=100;w=86400');
        expect(r.headers.has('x-ratelimit-override-expires')).toBe(false);
      }
      const plainRefusal = await s.me(target.key);
      expect(plainRefusal).toMatchObject({ status: 429, code: 'rate_limited', message: `Rate limit exceeded. Resets at ${isoSeconds(ends + 2000)}` });
    });

    it('sets explicit numbers (the rest stay the plan’s), replaces an override, and clears one at once', async () => {
      const start = moveTo('11:00:00');
      const target = await t.tenant({ plan: 'starter' });
      const until = new Date(start + DAY).toISOString();
      await op.setOverride(operator.key, target.workspaceId, { multiplier: 10, expiresAt: until });
      expect((await s.me(target.key)).headers.get('x-ratelimit-limit')).toBe('1000');

      const explicit = await op.setOverride(operator.key, target.workspaceId, { requestsPerMinute: 40, requestsPerDay: 2500, expiresAt: until });
      expect(explicit.data!.plan).toMatchObject({
        requestsPerSecond: 5,
        requestsPerMinute: 40,
        requestsPerDay: 2500,
        aiRequestsPerMinute: 30,
        override: { multiplier: null, requestsPerSecond: null, requestsPerMinute: 40, requestsPerDay: 2500, aiRequestsPerMinute: null, reason: null },
      });
      const r = await s.me(target.key);
      expect(r.headers.get('ratelimit-policy')).toBe('"second";q=5;w=1, "minute";q=40;w=60, "day";q=2500;w=86400');
      // A window the override left alone is the plan's own limit: its refusal does not name the override.
      t.clock.advance(1000);
      for (let i = 0; i < 5; i++) expect((await s.me(target.key)).status).toBe(200);
      const second = await s.me(target.key);
      expect(second).toMatchObject({ status: 429, code: 'rate_limited', message: `Rate limit exceeded. Resets at ${isoSeconds(start + 2000)}` });
      expect(second.headers.get('x-ratelimit-override-expires')).toBe(isoSeconds(Date.parse(until)));
      t.clock.advance(1000);

      const cleared = await op.clearOverride(operator.key, target.workspaceId);
      expect(cleared.data!.plan).toMatchObject({ requestsPerMinute: 10, override: null });
      const after = await s.me(target.key);
      expect(after.headers.get('ratelimit-policy')).toBe('"second";q=5;w=1, "minute";q=10;w=60, "day";q=100;w=86400');
      expect(after.headers.has('x-ratelimit-override-expires')).toBe(false);
      expect((await op.ownPlans(target.key)).data!.me.override).toBeNull();
    });

    it('applies a plan change and a rename at once on this instance, unmetered keys included', async () => {
      moveTo('12:00:00');
      const target = await t.tenant({ plan: 'starter', name: 'Before' });
      // Warm the caches: the key's principal (with its plan) and the workspace's directory entry.
      expect((await s.me(target.key)).headers.get('x-ratelimit-limit')).toBe('100');
      expect((await t.rest('GET', '/v1/me', { key: target.key })).body.data.workspace).toMatchObject({ name: 'Before', plan_id: 'plan_starter' });

      await op.update(operator.key, target.workspaceId, { plan: 'pro', name: 'After' });
      const r = await s.me(target.key);
      expect(r.headers.get('x-ratelimit-limit')).toBe('1000');
      expect(r.data!.planName).toBe('Pro');
      expect((await t.rest('GET', '/v1/me', { key: target.key })).body.data.workspace).toMatchObject({ name: 'After', plan_id: 'plan_pro' });
      expect((await op.ownPlans(target.key)).data!.workspace).toMatchObject({ name: 'Pro', requestsPerDay: 1000 });

      // An unmetered key is unmetered only on a plan that offers the tier.
      const big = await t.tenant({ plan: 'enterprise', tier: 'unmetered' });
      expect((await s.me(big.key)).headers.has('x-ratelimit-limit')).toBe(false);
      await op.update(operator.key, big.workspaceId, { plan: 'pro' });
      expect((await s.me(big.key)).headers.get('x-ratelimit-limit')).toBe('1000');
    });
  },
);
