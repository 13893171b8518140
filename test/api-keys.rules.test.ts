import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type Tenant, type TestServer } from './support/harness.js';
import { SURFACES, type Surface } from './support/surfaces.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

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
    const pro = await t.tenant({ plan: 'pro' });
    const r = await s.createKey(pro.key, { ...valid, rateLimitTier: 'unmetered' });
    expect(r).toMatchObject({ status: 400, code: 'validation_error' });
    expect(r.message).toMatch(/rate_?limit_?tier.*enterprise/i);
    const ok = await s.createKey(tenant.key, { ...valid, rateLimitTier: 'unmetered' });
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
    expect(escalate).toMatchObject({ status: 403, code: 'insufficient_permissions', message: 'Missing required permission: write:contacts' });
    const viaShorthand = await s.createKey(keyAdmin.secret, { name: 'escalated 2', permissions: ['write'] });
    expect(viaShorthand).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    expect((await s.createKey(keyAdmin.secret, { name: 'narrower', permissions: ['read:contacts'] })).status).toBe(201);

    const strong = (await s.createKey(tenant.key, { name: 'strong', permissions: ['write:deals'] })).data!;
    expect(await s.rotateKey(keyAdmin.secret, strong.id)).toMatchObject({ status: 403, message: 'Missing required permission: write:deals' });
    await s.deactivateKey(tenant.key, strong.id);
    expect(await s.reactivateKey(keyAdmin.secret, strong.id)).toMatchObject({ status: 403, code: 'insufficient_permissions' });
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

describe('REST-only input rules', () => {
  it('rejects unknown fields, bad JSON, wrong content type and bad paging', async () => {
    const tenant = await t.tenant();
    const unknownField = await t.rest('POST', '/v1/api-keys', { key: tenant.key, body: { name: 'x', permissions: ['read:contacts'], expires_in: 5 } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error).toEqual({ code: 'validation_error', message: 'expires_in is not a known field' });
    const badJson = await t.rest('POST', '/v1/api-keys', { key: tenant.key, rawBody: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(badJson.body.error).toEqual({ code: 'validation_error', message: 'body is not valid JSON' });
    const notJson = await t.rest('POST', '/v1/api-keys', { key: tenant.key, rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
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
    const r = await t.rest('POST', '/v1/api-keys', { key: tenant.key, body: { name: 'Ingestion worker', permissions: ['read:contacts', 'write:contacts'], description: 'Used by the nightly ingestion job' } });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['data']);
    expect(Object.keys(r.body.data).slice(0, 9)).toEqual(['id', 'key', 'prefix', 'name', 'description', 'permissions', 'rate_limit_tier', 'expires_at', 'created_at']);
    expect(r.body.data.created_at).toBe(new Date(t.clock.now()).toISOString());
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
  });
});
