import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { workspaces } from '../src/db/schema.js';
import { scopesForPlan } from '../src/domain/scopes.js';

/** Every scope a key of an Enterprise workspace (the tenants here) may hold: all but admin:operator. */
const SCOPES = scopesForPlan('plan_enterprise');
import { bootstrapWorkspace } from '../src/domain/workspaces.js';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';
import { SURFACES, type Surface } from './support/surfaces.js';

const t = serverForFile();

describe.each(SURFACES)('key rules over %s', (_name, makeSurface) => {
  let s: Surface;
  let tenant: Tenant;
  beforeEach(async () => {
    s = makeSurface(t);
    tenant = await t.tenant();
  });

  const valid = { name: 'ok', permissions: ['read:contacts'] };

  it.each([
    ['name too long', { ...valid, name: 'x'.repeat(121) }, /name must be 1 to 120 characters/],
    ['empty name', { ...valid, name: '' }, /name must be 1 to 120 characters/],
    ['no permissions', { ...valid, permissions: [] }, /permissions must hold at least one scope/],
    ['unknown scope', { ...valid, permissions: ['read:contacts', 'read:secrets'] }, /permissions has an unknown scope "read:secrets"/],
    ['expiry in the past', { ...valid, expiresAt: '2020-01-01T00:00:00Z' }, /expires_?at must be in the future/i],
    ['zero quota', { ...valid, quotas: { daily: 0 } }, /quotas\.daily must be a positive integer/],
    ['category too long', { ...valid, category: 'c'.repeat(65) }, /category must be 1 to 64 characters/],
  ])('rejects %s with validation_error naming the field', async (_case, input, message) => {
    const r = await s.createKey(tenant.key, input);
    expect(r.status).toBe(400);
    expect(r.code).toBe('validation_error');
    expect(r.message).toMatch(message);
  });

  it('rejects a malformed expiry with validation_error', async () => {
    const r = await s.createKey(tenant.key, { ...valid, expiresAt: 'next tuesday' });
    expect(r).toMatchObject({ status: 400, code: 'validation_error' });
    expect(r.message).toMatch(/expires_?at/i);
  });

  it('offers unmetered only on enterprise plans', async () => {
    // An unmetered key whose workspace moved to a plan without the tier.
    const pro = await t.tenant({ plan: 'enterprise', tier: 'unmetered' });
    await t.database.db.update(workspaces).set({ planId: 'plan_pro' }).where(eq(workspaces.id, pro.workspaceId));
    await t.app.services.workspaceChanged(pro.workspaceId);
    const r = await s.createKey(pro.key, { ...valid, rateLimitTier: 'unmetered' });
    expect(r).toMatchObject({ status: 400, code: 'validation_error' });
    expect(r.message).toMatch(/rate_?limit_?tier.*enterprise/i);
    // A standard key on such a plan is refused by the tier rule first (403).
    const standard = await t.tenant({ plan: 'pro' });
    expect(await s.createKey(standard.key, { ...valid, rateLimitTier: 'unmetered' })).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    const ent = await t.tenant({ plan: 'enterprise', tier: 'unmetered' });
    const ok = await s.createKey(ent.key, { ...valid, rateLimitTier: 'unmetered' });
    expect(ok.data!.rateLimitTier).toBe('unmetered');
  });

  it('needs admin:api_keys for every key operation (403)', async () => {
    const target = (await s.createKey(tenant.key, { name: 'target', permissions: ['read:contacts'] })).data!;
    const weak = (await s.createKey(tenant.key, { name: 'weak', permissions: ['read:contacts', 'write:contacts'] })).data!;
    const expectDenied = (r: { status: number; code?: string; message?: string }) =>
      expect(r).toMatchObject({ status: 403, code: 'insufficient_permissions', message: 'Missing required permission: admin:api_keys' });
    expectDenied(await s.createKey(weak.secret, valid));
    expectDenied(await s.getKey(weak.secret, target.id));
    expectDenied(await s.listKeys(weak.secret));
    expectDenied(await s.updateKey(weak.secret, target.id, { name: 'x' }));
    expectDenied(await s.deactivateKey(weak.secret, target.id));
    expectDenied(await s.reactivateKey(weak.secret, target.id));
    expectDenied(await s.revokeKey(weak.secret, target.id));
    expectDenied(await s.rotateKey(weak.secret, target.id));
    expectDenied(await s.deleteKey(weak.secret, target.id));
    expect((await s.getKey(tenant.key, target.id)).data!.state).toBe('active');
  });

  it('never lets a key mint, rotate or revive a scope it lacks', async () => {
    const keyAdmin = (await s.createKey(tenant.key, { name: 'key admin', permissions: ['admin:api_keys', 'read:contacts'] })).data!;
    const escalate = await s.createKey(keyAdmin.secret, { name: 'escalated', permissions: ['read:contacts', 'write:contacts'] });
    expect(escalate).toMatchObject({
      status: 403,
      code: 'insufficient_permissions',
      message: 'Cannot create a key with write:contacts, which this key lacks',
    });
    const viaShorthand = await s.createKey(keyAdmin.secret, { name: 'escalated 2', permissions: ['write'] });
    expect(viaShorthand).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    expect((await s.createKey(keyAdmin.secret, { name: 'narrower', permissions: ['read:contacts'] })).status).toBe(201);

    const strong = (await s.createKey(tenant.key, { name: 'strong', permissions: ['write:deals'] })).data!;
    expect(await s.rotateKey(keyAdmin.secret, strong.id)).toMatchObject({
      status: 403,
      message: `Cannot rotate ${strong.id}: it holds write:deals, which this key lacks`,
    });
    await s.deactivateKey(tenant.key, strong.id);
    expect(await s.reactivateKey(keyAdmin.secret, strong.id)).toMatchObject({ status: 403, code: 'insufficient_permissions' });
  });

  it('never lets a key change, stop or delete a key holding a scope it lacks, the admin key included', async () => {
    const limited = (await s.createKey(tenant.key, { name: 'limited', permissions: ['admin:api_keys', 'read:contacts'] })).data!;
    const writer = (await s.createKey(tenant.key, { name: 'writer', permissions: ['read:contacts', 'write:contacts'] })).data!;
    const idle = (await s.createKey(tenant.key, { name: 'idle', permissions: ['write:contacts'] })).data!;
    const asleep = (await s.createKey(tenant.key, { name: 'asleep', permissions: ['write:contacts'] })).data!;
    await s.deactivateKey(tenant.key, asleep.id);

    const denied = (verb: string, id: string, scope: string) => (r: { status: number; code?: string; message?: string }) =>
      expect(r).toMatchObject({ status: 403, code: 'insufficient_permissions', message: `Cannot ${verb} ${id}: it holds ${scope}, which this key lacks` });
    // Every scope the target holds and the caller lacks is named.
    const adminHas = SCOPES.filter((x) => !limited.permissions.includes(x)).join(', ');
    for (const [id, scope] of [
      [tenant.keyId, adminHas],
      [writer.id, 'write:contacts'],
    ] as const) {
      denied('update', id, scope)(await s.updateKey(limited.secret, id, { quotas: { daily: 1 } }));
      denied('deactivate', id, scope)(await s.deactivateKey(limited.secret, id));
      denied('revoke', id, scope)(await s.revokeKey(limited.secret, id));
      denied('rotate', id, scope)(await s.rotateKey(limited.secret, id));
    }
    denied('reactivate', asleep.id, 'write:contacts')(await s.reactivateKey(limited.secret, asleep.id));
    denied('delete', idle.id, 'write:contacts')(await s.deleteKey(limited.secret, idle.id));

    // Nothing changed: the admin key still works, unlimited; the others are as they were.
    const admin = await s.getKey(tenant.key, tenant.keyId);
    expect(admin.data).toMatchObject({ state: 'active', quotas: { total: null, daily: null, weekly: null, monthly: null } });
    expect((await s.getKey(tenant.key, writer.id)).data).toMatchObject({ state: 'active', replacedById: null });
    expect((await s.getKey(tenant.key, idle.id)).status).toBe(200);
    expect((await s.getKey(tenant.key, asleep.id)).data!.state).toBe('inactive');
    // Reading is not restricted by the rule.
    expect((await s.getKey(limited.secret, tenant.keyId)).status).toBe(200);
  });

  it('lets a key act on keys whose scopes are a subset of its own, itself included', async () => {
    const limited = (await s.createKey(tenant.key, { name: 'limited', permissions: ['admin:api_keys', 'read:contacts', 'read:deals'] })).data!;
    const reader = (await s.createKey(tenant.key, { name: 'reader', permissions: ['read:contacts'] })).data!;
    expect((await s.updateKey(limited.secret, reader.id, { quotas: { daily: 5 } })).data!.quotas.daily).toBe(5);
    expect((await s.deactivateKey(limited.secret, reader.id)).data!.state).toBe('inactive');
    expect((await s.reactivateKey(limited.secret, reader.id)).data!.state).toBe('active');
    const rotated = await s.rotateKey(limited.secret, reader.id);
    expect(rotated.status).toBe(201);
    expect((await s.revokeKey(limited.secret, rotated.data!.key.id)).data!.state).toBe('revoked');
    const unused = (await s.createKey(tenant.key, { name: 'unused', permissions: ['read:deals', 'read:contacts'] })).data!;
    expect((await s.deleteKey(limited.secret, unused.id)).status).toBe(200);

    // Itself: it holds its own scopes and tier.
    expect((await s.updateKey(limited.secret, limited.id, { description: 'mine' })).status).toBe(200);
    const self = await s.rotateKey(limited.secret, limited.id, { gracePeriodSeconds: 60 });
    expect(self.status).toBe(201);
    expect((await s.deactivateKey(self.data!.secret, self.data!.key.id)).data!.state).toBe('inactive');
  });

  it('caps the tier of the keys a key may mint or act on at its own', async () => {
    const standard = await s.createKey(tenant.key, { ...valid, name: 'too high', rateLimitTier: 'high' });
    expect(standard).toMatchObject({
      status: 403,
      code: 'insufficient_permissions',
      message: 'Cannot create a key on the high tier: this key is on the standard tier',
    });
    expect(await s.createKey(tenant.key, { ...valid, name: 'way too high', rateLimitTier: 'unmetered' })).toMatchObject({
      status: 403,
      code: 'insufficient_permissions',
      message: 'Cannot create a key on the unmetered tier: this key is on the standard tier',
    });

    const high = await t.tenant({ tier: 'high' });
    const fast = await s.createKey(high.key, { ...valid, name: 'fast', rateLimitTier: 'high' });
    expect(fast.status).toBe(201);
    expect(fast.data!.rateLimitTier).toBe('high');
    expect(await s.createKey(high.key, { ...valid, name: 'unmetered', rateLimitTier: 'unmetered' })).toMatchObject({
      status: 403,
      message: 'Cannot create a key on the unmetered tier: this key is on the high tier',
    });

    // A standard key holding every scope still may not touch a high one, the high admin key included.
    const everything = (await s.createKey(high.key, { name: 'every scope', permissions: [...SCOPES] })).data!;
    expect(everything.rateLimitTier).toBe('standard');
    const tierDenied = (verb: string, id: string) => (r: { status: number; code?: string; message?: string }) =>
      expect(r).toMatchObject({
        status: 403,
        code: 'insufficient_permissions',
        message: `Cannot ${verb} ${id}: it is on the high tier, above this key's standard tier`,
      });
    for (const id of [fast.data!.id, high.keyId]) {
      tierDenied('update', id)(await s.updateKey(everything.secret, id, { quotas: { daily: 1 } }));
      tierDenied('deactivate', id)(await s.deactivateKey(everything.secret, id));
      tierDenied('revoke', id)(await s.revokeKey(everything.secret, id));
      tierDenied('rotate', id)(await s.rotateKey(everything.secret, id));
      tierDenied('delete', id)(await s.deleteKey(everything.secret, id));
    }
    await s.deactivateKey(high.key, fast.data!.id);
    tierDenied('reactivate', fast.data!.id)(await s.reactivateKey(everything.secret, fast.data!.id));
    // The high key itself may.
    expect((await s.reactivateKey(high.key, fast.data!.id)).data!.state).toBe('active');
    expect((await s.rotateKey(high.key, fast.data!.id)).status).toBe(201);
  });

  it('keeps names unique among active keys only (409 duplicate_name)', async () => {
    const first = (await s.createKey(tenant.key, { name: 'dup', permissions: ['read:contacts'] })).data!;
    expect(await s.createKey(tenant.key, { name: 'dup', permissions: ['read:contacts'] })).toMatchObject({ status: 409, code: 'duplicate_name' });
    const other = (await s.createKey(tenant.key, { name: 'other', permissions: ['read:contacts'] })).data!;
    expect(await s.updateKey(tenant.key, other.id, { name: 'dup' })).toMatchObject({ status: 409, code: 'duplicate_name' });

    await s.deactivateKey(tenant.key, first.id);
    const second = await s.createKey(tenant.key, { name: 'dup', permissions: ['read:contacts'] });
    expect(second.status).toBe(201);
    // Reviving the first would make two active keys share the name.
    expect(await s.reactivateKey(tenant.key, first.id)).toMatchObject({ status: 409, code: 'duplicate_name' });
    await s.revokeKey(tenant.key, second.data!.id);
    expect((await s.reactivateKey(tenant.key, first.id)).status).toBe(200);

    // An expired key no longer holds its name.
    const exp = new Date(t.clock.now() + 1000).toISOString();
    await s.createKey(tenant.key, { name: 'ephemeral', permissions: ['read:contacts'], expiresAt: exp });
    t.clock.advance(1000);
    expect((await s.createKey(tenant.key, { name: 'ephemeral', permissions: ['read:contacts'] })).status).toBe(201);
  });

  it('keeps the name across a rotation with a grace period', async () => {
    const k = (await s.createKey(tenant.key, { name: 'rotated name', permissions: ['read:contacts'] })).data!;
    const r = await s.rotateKey(tenant.key, k.id, { gracePeriodSeconds: 600 });
    expect(r.status).toBe(201);
    expect(r.data!.key.name).toBe('rotated name');
    expect(await s.rotateKey(tenant.key, k.id)).toMatchObject({ status: 409, code: 'invalid_state' });
  });

  it('answers not_found for an unknown id', async () => {
    expect(await s.getKey(tenant.key, 'key_01J00000000000000000000000')).toMatchObject({ status: 404, code: 'not_found' });
    expect(await s.revokeKey(tenant.key, 'nonsense')).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('bootstrap tier', () => {
  it('gives the first admin key the tier the operator asks for, if the plan has it', async () => {
    const boot = (plan: string, rateLimitTier?: string) => bootstrapWorkspace(t.app.services, { name: 'Tiered', plan, rateLimitTier });
    expect((await boot('pro')).admin.key.rateLimitTier).toBe('standard');
    expect((await boot('pro', 'high')).admin.key.rateLimitTier).toBe('high');
    await expect(boot('pro', 'unmetered')).rejects.toMatchObject({ code: 'validation_error', message: 'tier unmetered is not available on the Pro plan' });
    await expect(boot('enterprise', 'turbo')).rejects.toMatchObject({ code: 'validation_error', message: 'tier must be one of standard, high, unmetered' });
    expect((await boot('enterprise', 'unmetered')).admin.key.rateLimitTier).toBe('unmetered');
  });
});

describe('REST-only input rules', () => {
  it('rejects unknown fields, bad JSON, wrong content type and bad paging', async () => {
    const tenant = await t.tenant();
    const unknownField = await t.rest('POST', '/v1/api-keys', { key: tenant.key, body: { name: 'x', permissions: ['read:contacts'], expires_in: 5 } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error).toEqual({ code: 'validation_error', message: 'expires_in is not a known field' });
    const badJson = await t.rest('POST', '/v1/api-keys', { key: tenant.key, rawBody: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(badJson.body.error).toEqual({ code: 'validation_error', message: 'body is not valid JSON' });
    const notJson = await t.rest('POST', '/v1/api-keys', {
      key: tenant.key,
      rawBody: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.status).toBe(415);
    expect(notJson.body.error.code).toBe('unsupported_media_type');
    const missing = await t.rest('POST', '/v1/api-keys', { key: tenant.key, body: {} });
    expect(missing.body.error.message).toMatch(/^name /);
    const paging = await t.rest('GET', '/v1/api-keys?limit=1000', { key: tenant.key });
    expect(paging.body.error).toEqual({ code: 'validation_error', message: 'limit must be a whole number from 1 to 100' });
    const state = await t.rest('GET', '/v1/api-keys?state=sleepy', { key: tenant.key });
    expect(state.body.error.code).toBe('validation_error');
  });

  it('answers unknown routes 404 and wrong methods 405, in the catalog envelope', async () => {
    const tenant = await t.tenant();
    const nf = await t.rest('GET', '/v1/nothing-here', { key: tenant.key });
    expect(nf.status).toBe(404);
    expect(nf.body.error.code).toBe('not_found');
    const na = await t.rest('PUT', '/v1/api-keys', { key: tenant.key });
    expect(na.status).toBe(405);
    expect(na.body.error.code).toBe('method_not_allowed');
  });

  it('mirrors seed 003: the create response carries its documented fields in order', async () => {
    const tenant = await t.tenant();
    const r = await t.rest('POST', '/v1/api-keys', {
      key: tenant.key,
      body: { name: 'Ingestion worker', permissions: ['read:contacts', 'write:contacts'], description: 'Used by the nightly ingestion job' },
    });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['data']);
    expect(Object.keys(r.body.data).slice(0, 9)).toEqual([
      'id',
      'key',
      'prefix',
      'name',
      'description',
      'permissions',
      'rate_limit_tier',
      'expires_at',
      'created_at',
    ]);
    expect(r.body.data.created_at).toBe(new Date(t.clock.now()).toISOString());
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
  });
});
