import type { PageQuery } from '../../src/domain/pagination.js';
import { eq } from 'drizzle-orm';
import { apiKeyEvents, apiKeys } from '../../src/db/schema.js';
import { ApiError } from '../../src/domain/errors.js';
import {
  createKey,
  deactivateKey,
  deleteKey,
  getKey,
  getKeysByIds,
  getOwnKey,
  listKeys,
  reactivateKey,
  revokeKey,
  rotateKey,
  updateKey,
} from '../../src/domain/keys/service.js';
import { newId } from '../../src/domain/ids.js';
import { describe, expect, test } from '../support/fixture.js';
import { logEntry } from '../support/log-entry.js';

/** The key service called directly: no router, no resolver, no HTTP. */

const reader = { name: 'reader', permissions: ['read:contacts'] };
const PAGE = { limit: 100 };

/** The catalog error a call threw; fails the test if it did not throw one. */
async function refusal(call: Promise<unknown>): Promise<ApiError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('keys: the life of a key', () => {
  test('create issues a secret once, stores its hash and display parts, and announces it', async ({ domain }) => {
    const { admin } = await domain.workspace();
    const out = await createKey(admin.ctx(), { name: 'Ingestion', permissions: ['read', 'write:contacts'], category: 'production', quotas: { daily: 10 } });
    expect(out.replayed).toBe(false);
    expect(out.secret).toMatch(/^wbk_live_[0-9A-Za-z]{38}$/);
    expect(out.key).toMatchObject({ name: 'Ingestion', category: 'production', status: 'active', rateLimitTier: 'standard', quotaDaily: 10, quotaTotal: null });
    expect(out.key.createdByKeyId).toBe(admin.key.id);
    // The `read` shorthand is stored expanded, in the catalogue's order.
    expect(out.key.permissions).toEqual(['read:contacts', 'read:lists', 'read:campaigns', 'read:deals', 'read:leads', 'write:contacts']);
    const [stored] = await domain.db.select().from(apiKeys).where(eq(apiKeys.id, out.key.id));
    expect(stored!.keyHash).not.toContain(out.secret);
    expect(out.secret.endsWith(stored!.last4!)).toBe(true);
    expect(domain.announcedKeys).toContain(out.key.keyHash);
    // The new key authenticates as itself.
    const self = await domain.callerFor(out.key, out.secret);
    expect((await getOwnKey(self.ctx())).id).toBe(out.key.id);
  });

  test("create honours the request's Idempotency-Key from its context: a retry replays the first key, without a key it mints anew", async ({ domain }) => {
    const { admin } = await domain.workspace();
    const first = await createKey(admin.ctx({ idempotencyKey: 'once' }), reader);
    const retry = admin.ctx({ idempotencyKey: 'once' });
    const again = await createKey(retry, reader);
    expect(again).toMatchObject({ replayed: true, secret: first.secret, key: { id: first.key.id } });
    expect(retry.recorded.replayed).toBe(true);
    expect(first.replayed).toBe(false);
    const plain = admin.ctx();
    expect(await refusal(createKey(plain, reader))).toMatchObject({ code: 'duplicate_name' });
    expect(plain.recorded.replayed).toBe(false);
  });

  test('update changes only what it is given and records which fields', async ({ domain }) => {
    const { admin } = await domain.workspace();
    const { key } = await createKey(admin.ctx(), { ...reader, description: 'before', quotas: { daily: 5, monthly: 50 } });
    const updated = await updateKey(admin.ctx(), key.id, { description: 'after', quotas: { daily: 7 } });
    expect(updated).toMatchObject({ name: 'reader', description: 'after', quotaDaily: 7, quotaMonthly: 50 });
    const cleared = await updateKey(admin.ctx(), key.id, { quotas: null });
    expect(cleared).toMatchObject({ quotaTotal: null, quotaDaily: null, quotaWeekly: null, quotaMonthly: null });
    const events = await domain.db.select().from(apiKeyEvents).where(eq(apiKeyEvents.keyId, key.id));
    expect(events.map((e) => e.type)).toEqual(['created', 'updated', 'updated']);
    expect(events[1]!.detail).toEqual({ fields: ['description', 'quotas'] });
  });

  test('deactivate, reactivate and revoke move the state, idempotently, and a revoked key stays revoked', async ({ domain }) => {
    const { admin } = await domain.workspace();
    const { key } = await createKey(admin.ctx(), reader);
    expect((await deactivateKey(admin.ctx(), key.id)).status).toBe('inactive');
    expect((await deactivateKey(admin.ctx(), key.id)).status).toBe('inactive');
    expect((await reactivateKey(admin.ctx(), key.id)).status).toBe('active');
    expect((await reactivateKey(admin.ctx(), key.id)).status).toBe('active');
    const revoked = await revokeKey(admin.ctx(), key.id);
    expect(revoked.status).toBe('revoked');
    expect(revoked.revokedAt!.getTime()).toBe(domain.clock.now());
    expect((await revokeKey(admin.ctx(), key.id)).status).toBe('revoked');
    for (const call of [
      () => reactivateKey(admin.ctx(), key.id),
      () => deactivateKey(admin.ctx(), key.id),
      () => updateKey(admin.ctx(), key.id, { name: 'x' }),
      () => rotateKey(admin.ctx(), key.id, {}),
    ]) {
      expect(await refusal(call())).toMatchObject({ code: 'invalid_state' });
    }
    // Every change dropped the key from the caches.
    expect(domain.announcedKeys.filter((h) => h === key.keyHash).length).toBeGreaterThanOrEqual(5);
  });

  test('rotate issues a replacement with the same rights; a grace period keeps the old key until it ends', async ({ domain }) => {
    const { admin } = await domain.workspace();
    const { key } = await createKey(admin.ctx(), { ...reader, name: 'rotating', quotas: { weekly: 3 } });
    const now = domain.clock.now();
    const out = await rotateKey(admin.ctx(), key.id, { gracePeriodSeconds: 60 });
    expect(out.key).toMatchObject({ name: 'rotating', permissions: ['read:contacts'], quotaWeekly: 3, rotatedFromId: key.id, status: 'active' });
    expect(out.previous).toMatchObject({ status: 'active', replacedById: out.key.id });
    expect(out.previous.expiresAt!.getTime()).toBe(now + 60_000);
    expect(await refusal(rotateKey(admin.ctx(), key.id, {}))).toMatchObject({ code: 'invalid_state', message: 'This API key was already rotated' });

    // Without a grace period the old key is revoked at once.
    const again = await rotateKey(admin.ctx(), out.key.id, undefined);
    expect(again.previous.status).toBe('revoked');
  });

  test('delete removes a key never used, and refuses one with request history', async ({ domain }) => {
    const { admin, workspace } = await domain.workspace();
    const unused = await createKey(admin.ctx(), { ...reader, name: 'unused' });
    expect((await deleteKey(admin.ctx(), unused.key.id)).id).toBe(unused.key.id);
    expect(await refusal(getKey(admin.ctx(), unused.key.id))).toMatchObject({ code: 'not_found' });

    const used = await createKey(admin.ctx(), { ...reader, name: 'used' });
    // Still queued, not written: delete flushes the logs before it decides.
    domain.log(
      logEntry({
        id: newId('requestLog', domain.clock.now()),
        workspaceId: workspace.id,
        keyId: used.key.id,
        requestId: 'req_used',
        at: new Date(domain.clock.now()),
      }),
    );
    expect(await refusal(deleteKey(admin.ctx(), used.key.id))).toMatchObject({ code: 'key_in_use', status: 409 });
    expect((await getKey(admin.ctx(), used.key.id)).status).toBe('active');
  });

  test('list filters by state, category and name, newest first, and pages by id', async ({ domain }) => {
    const { admin } = await domain.workspace();
    const ctx = admin.ctx();
    await createKey(ctx, { ...reader, name: 'Alpha 100%', category: 'staging' });
    await createKey(ctx, { ...reader, name: 'Beta', category: 'staging', expiresAt: new Date(domain.clock.now() + 1000) });
    const c = await createKey(ctx, { ...reader, name: 'Gamma' });
    await deactivateKey(ctx, c.key.id);
    domain.clock.advance(1000);

    const names = async (filter: Parameters<typeof listKeys>[1], page: PageQuery = PAGE) => (await listKeys(ctx, filter, page)).items.map((k) => k.name);
    /** The cursor just past the first `n` keys, newest first. */
    const cursorAfter = async (n: number) => (await listKeys(ctx, {}, { limit: n })).nextCursor;
    expect(await names({})).toEqual(['Gamma', 'Beta', 'Alpha 100%', 'Admin key']);
    expect(await names({ state: 'expired' })).toEqual(['Beta']);
    expect(await names({ state: 'inactive' })).toEqual(['Gamma']);
    expect(await names({ state: 'active' })).toEqual(['Alpha 100%', 'Admin key']);
    expect(await names({ category: 'staging' })).toEqual(['Beta', 'Alpha 100%']);
    // The name filter is a substring match, its wildcards taken literally.
    expect(await names({ name: '100%' })).toEqual(['Alpha 100%']);
    expect(await names({ name: '_' })).toEqual([]);
    expect(await names({}, { limit: 2 })).toEqual(['Gamma', 'Beta']);
    expect(await names({}, { limit: 2, cursor: await cursorAfter(2) })).toEqual(['Alpha 100%', 'Admin key']);
    expect(await names({}, { limit: 1, before: await cursorAfter(3), fromEnd: true })).toEqual(['Beta']);
  });
});

describe('keys: who may do what', () => {
  test('every key operation needs admin:api_keys', async ({ domain }) => {
    const ws = await domain.workspace();
    const { key: target } = await createKey(ws.admin.ctx(), reader);
    const weak = await domain.caller(ws, { permissions: ['read:contacts', 'write:contacts'] });
    const calls = [
      () => createKey(weak.ctx(), reader),
      () => getKey(weak.ctx(), target.id),
      () => getKeysByIds(weak.ctx(), [target.id]),
      () => listKeys(weak.ctx(), {}, PAGE),
      () => updateKey(weak.ctx(), target.id, { name: 'x' }),
      () => deactivateKey(weak.ctx(), target.id),
      () => reactivateKey(weak.ctx(), target.id),
      () => revokeKey(weak.ctx(), target.id),
      () => rotateKey(weak.ctx(), target.id, {}),
      () => deleteKey(weak.ctx(), target.id),
    ];
    for (const call of calls) {
      expect(await refusal(call())).toMatchObject({ code: 'insufficient_permissions', status: 403, message: 'Missing required permission: admin:api_keys' });
    }
    // Any key may read itself.
    expect((await getOwnKey(weak.ctx())).id).toBe(weak.key.id);
    expect((await getKey(ws.admin.ctx(), target.id)).status).toBe('active');
  });

  test('a key may not mint, or act on, a key with a scope it lacks or a tier above its own', async ({ domain }) => {
    const ws = await domain.workspace({ tier: 'high' });
    const keyAdmin = await domain.caller(ws, { permissions: ['admin:api_keys', 'read:contacts'] });
    expect(await refusal(createKey(keyAdmin.ctx(), { name: 'wider', permissions: ['read:contacts', 'write:contacts'] }))).toMatchObject({
      code: 'insufficient_permissions',
      message: 'Cannot create a key with write:contacts, which this key lacks',
    });
    expect(await refusal(createKey(keyAdmin.ctx(), { ...reader, rateLimitTier: 'high' }))).toMatchObject({
      message: 'Cannot create a key on the high tier: this key is on the standard tier',
    });
    const { key: fast } = await createKey(ws.admin.ctx(), { ...reader, name: 'fast', rateLimitTier: 'high' });
    expect(await refusal(revokeKey(keyAdmin.ctx(), fast.id))).toMatchObject({
      message: `Cannot revoke ${fast.id}: it is on the high tier, above this key's standard tier`,
    });
    const { key: writer } = await createKey(ws.admin.ctx(), { name: 'writer', permissions: ['write:deals'] });
    expect(await refusal(deactivateKey(keyAdmin.ctx(), writer.id))).toMatchObject({
      message: `Cannot deactivate ${writer.id}: it holds write:deals, which this key lacks`,
    });
    // A narrower key it may act on, and itself.
    const { key: narrow } = await createKey(keyAdmin.ctx(), { ...reader, name: 'narrow' });
    expect((await revokeKey(keyAdmin.ctx(), narrow.id)).status).toBe('revoked');
    expect((await updateKey(keyAdmin.ctx(), keyAdmin.key.id, { description: 'mine' })).description).toBe('mine');
  });

  test("another workspace's key is not_found to every operation, and never listed", async ({ domain }) => {
    const mine = await domain.workspace({ name: 'Mine' });
    const theirs = await domain.workspace({ name: 'Theirs' });
    const { key: their } = await createKey(theirs.admin.ctx(), reader);
    const ctx = () => mine.admin.ctx();
    for (const call of [
      () => getKey(ctx(), their.id),
      () => updateKey(ctx(), their.id, { name: 'stolen' }),
      () => deactivateKey(ctx(), their.id),
      () => reactivateKey(ctx(), their.id),
      () => revokeKey(ctx(), their.id),
      () => rotateKey(ctx(), their.id, {}),
      () => deleteKey(ctx(), their.id),
    ]) {
      expect(await refusal(call())).toMatchObject({ code: 'not_found', status: 404, message: 'API key not found' });
    }
    expect((await listKeys(ctx(), {}, PAGE)).items.map((k) => k.workspaceId)).toEqual([mine.workspace.id]);
    expect((await getKey(theirs.admin.ctx(), their.id)).status).toBe('active');
  });
});

describe('keys: validation', () => {
  test.for([
    [{ ...reader, name: 'x'.repeat(121) }, 'name must be 1 to 120 characters'],
    [{ ...reader, name: '   ' }, 'name must be 1 to 120 characters'],
    [{ ...reader, permissions: [] }, 'permissions must hold at least one scope'],
    [{ ...reader, permissions: ['read:contacts', 'read:secrets'] }, 'permissions has an unknown scope "read:secrets"'],
    [{ ...reader, permissions: ['admin:operator'] }, 'permissions may hold admin:operator only in a workspace on the Admin plan'],
    [{ ...reader, expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt must be in the future'],
    [{ ...reader, expiresAt: 'next tuesday' }, 'expiresAt must be an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z'],
    [{ ...reader, quotas: { daily: 0 } }, 'quotas.daily must be a positive integer or null'],
    [{ ...reader, quotas: { hourly: 5 } }, 'quotas.hourly is not a known field'],
    [{ ...reader, rateLimitTier: 'turbo' }, 'rateLimitTier must be one of standard, high, unmetered'],
    [{ ...reader, category: 'c'.repeat(65) }, 'category must be 1 to 64 characters'],
    [{ ...reader, expiresIn: 5 }, 'expiresIn is not a known field'],
    [{ permissions: ['read'] }, 'name is required and must be a string'],
    ['not an object', 'body must be a JSON object'],
  ] as const)('create refuses %j: %s', async ([input, message], { domain }) => {
    const { admin } = await domain.workspace();
    expect(await refusal(createKey(admin.ctx(), input))).toMatchObject({ code: 'validation_error', status: 400, message });
  });

  test('update, rotate and list name the field and what is wanted', async ({ domain }) => {
    const { admin } = await domain.workspace();
    const { key } = await createKey(admin.ctx(), reader);
    expect(await refusal(updateKey(admin.ctx(), key.id, { name: '' }))).toMatchObject({ message: 'name must be 1 to 120 characters', field: 'name' });
    expect(await refusal(rotateKey(admin.ctx(), key.id, { gracePeriodSeconds: 31 * 86_400 }))).toMatchObject({
      message: 'gracePeriodSeconds must be at most 2592000 (30 days)',
    });
    expect(await refusal(listKeys(admin.ctx(), { state: 'sleepy' as 'active' }, PAGE))).toMatchObject({
      message: 'state must be one of active, inactive, revoked, expired',
    });
    // A name another active key holds.
    await createKey(admin.ctx(), { ...reader, name: 'taken' });
    expect(await refusal(updateKey(admin.ctx(), key.id, { name: 'taken' }))).toMatchObject({
      code: 'duplicate_name',
      status: 409,
      message: 'An active API key named "taken" already exists in this workspace',
    });
  });
});
