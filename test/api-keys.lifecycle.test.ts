import { beforeEach, describe, expect, it } from 'vitest';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';
import { SURFACES, type Surface } from './support/surfaces.js';

const t = serverForFile();

describe.each(SURFACES)('key lifecycle over %s', (_name, makeSurface) => {
  let s: Surface;
  let tenant: Tenant;
  beforeEach(async () => {
    s = makeSurface(t);
    tenant = await t.tenant();
  });

  it('creates a key whose secret is shown once and authenticates', async () => {
    const created = await s.createKey(tenant.key, {
      name: 'Ingestion worker',
      permissions: ['read:contacts', 'write:contacts'],
      description: 'Used by the nightly ingestion job',
      category: 'staging',
      quotas: { daily: 100, monthly: 2000 },
    });
    expect(created.status).toBe(201);
    const k = created.data!;
    expect(k.id).toMatch(/^key_[0-9A-Z]{26}$/);
    expect(k.secret).toMatch(/^wbk_live_[0-9A-Za-z]{38}$/);
    expect(k.prefix).toBe(k.secret.slice(0, 8));
    expect(k.last4).toBe(k.secret.slice(-4));
    // A hint that tells keys apart (seed 003's 8-character prefix is the same for all of them).
    expect(k.hint).toBe(`${k.secret.slice(0, 12)}…${k.secret.slice(-4)}`);
    expect((await s.getKey(tenant.key, k.id)).data!.hint).toBe(k.hint);
    expect(k).toMatchObject({
      name: 'Ingestion worker',
      description: 'Used by the nightly ingestion job',
      category: 'staging',
      permissions: ['read:contacts', 'write:contacts'],
      rateLimitTier: 'standard',
      state: 'active',
      expiresAt: null,
      quotas: { total: null, daily: 100, weekly: null, monthly: 2000 },
    });

    const me = await s.me(k.secret);
    expect(me.status).toBe(200);
    expect(me.data).toEqual({
      id: k.id,
      name: 'Ingestion worker',
      prefix: 'wbk_live',
      permissions: ['read:contacts', 'write:contacts'],
      workspaceId: tenant.workspaceId,
      planName: 'Enterprise',
    });

    // A later read never shows the secret.
    const read = await s.getKey(tenant.key, k.id);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.data)).not.toContain(k.secret);
  });

  it('expands the read, write and lexi shorthands into fine scopes', async () => {
    const created = await s.createKey(tenant.key, { name: 'shorthand', permissions: ['read', 'lexi'] });
    expect(created.data!.permissions).toEqual(
      expect.arrayContaining(['read:contacts', 'read:lists', 'read:campaigns', 'read:deals', 'read:leads', 'write:ai', 'read:tasks', 'write:tasks']),
    );
    expect(created.data!.permissions).not.toContain('write:contacts');
  });

  it('reads, lists with filters and paginates', async () => {
    const names = ['alpha prod', 'beta dev', 'gamma prod', 'delta staging', 'epsilon prod'];
    const cats = ['production', 'development', 'production', 'staging', 'production'];
    const ids: string[] = [];
    for (let i = 0; i < names.length; i++) {
      ids.push((await s.createKey(tenant.key, { name: names[i], permissions: ['read:contacts'], category: cats[i] })).data!.id);
    }
    await s.deactivateKey(tenant.key, ids[2]!);

    const prod = await s.listKeys(tenant.key, { category: 'production' });
    expect(prod.data!.items.map((k) => k.name)).toEqual(['epsilon prod', 'gamma prod', 'alpha prod', 'Admin key']);
    const inactive = await s.listKeys(tenant.key, { state: 'inactive' });
    expect(inactive.data!.items.map((k) => k.id)).toEqual([ids[2]]);
    const byName = await s.listKeys(tenant.key, { name: 'DELTA' });
    expect(byName.data!.items.map((k) => k.id)).toEqual([ids[3]]);

    // Newest first, two at a time, through every key including the tenant's admin key.
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await s.listKeys(tenant.key, { first: 2, after });
      expect(r.status).toBe(200);
      seen.push(...r.data!.items.map((k) => k.id));
      if (!r.data!.next) break;
      after = r.data!.next;
    }
    expect(seen).toEqual([...ids].reverse().concat(tenant.keyId));
  });

  it('updates name, description, category, quotas and expiry', async () => {
    const k = (await s.createKey(tenant.key, { name: 'to update', permissions: ['read:deals'], quotas: { daily: 5, weekly: 10 } })).data!;
    const expiresAt = new Date(t.clock.now() + 86_400_000).toISOString();
    const up = await s.updateKey(tenant.key, k.id, {
      name: 'updated',
      description: 'now described',
      category: 'partner-acme',
      quotas: { daily: null, monthly: 99 },
      expiresAt,
    });
    expect(up.status).toBe(200);
    expect(up.data).toMatchObject({
      name: 'updated',
      description: 'now described',
      category: 'partner-acme',
      quotas: { total: null, daily: null, weekly: 10, monthly: 99 },
      expiresAt,
    });
    const cleared = await s.updateKey(tenant.key, k.id, { description: null, expiresAt: null, quotas: null });
    expect(cleared.data).toMatchObject({ description: null, expiresAt: null, quotas: { total: null, daily: null, weekly: null, monthly: null } });
  });

  it('deactivates (401 inactive_key) and reactivates, keeping the key', async () => {
    const k = (await s.createKey(tenant.key, { name: 'toggle', permissions: ['read:contacts'] })).data!;
    const off = await s.deactivateKey(tenant.key, k.id);
    expect(off.data!.state).toBe('inactive');
    const refused = await s.me(k.secret);
    expect(refused).toMatchObject({ status: 401, httpStatus: 401, code: 'inactive_key' });
    const on = await s.reactivateKey(tenant.key, k.id);
    expect(on.data!.state).toBe('active');
    expect((await s.me(k.secret)).status).toBe(200);
  });

  it('revokes for good (401 revoked_key); a revoked key cannot come back', async () => {
    const k = (await s.createKey(tenant.key, { name: 'doomed', permissions: ['read:contacts'] })).data!;
    expect((await s.me(k.secret)).status).toBe(200);
    const rev = await s.revokeKey(tenant.key, k.id);
    expect(rev.data!.state).toBe('revoked');
    expect(await s.me(k.secret)).toMatchObject({ status: 401, httpStatus: 401, code: 'revoked_key', message: 'API key has been revoked' });
    expect(await s.reactivateKey(tenant.key, k.id)).toMatchObject({ status: 409, code: 'invalid_state' });
    expect(await s.rotateKey(tenant.key, k.id)).toMatchObject({ status: 409, code: 'invalid_state' });
  });

  it('expires at expires_at (401 expired_key)', async () => {
    const expiresAt = new Date(t.clock.now() + 60_000).toISOString();
    const k = (await s.createKey(tenant.key, { name: 'short-lived', permissions: ['read:contacts'], expiresAt })).data!;
    expect(k.expiresAt).toBe(expiresAt);
    expect((await s.me(k.secret)).status).toBe(200);
    t.clock.advance(60_000);
    expect(await s.me(k.secret)).toMatchObject({ status: 401, code: 'expired_key' });
    expect((await s.getKey(tenant.key, k.id)).data!.state).toBe('expired');
    expect((await s.listKeys(tenant.key, { state: 'expired' })).data!.items.map((x) => x.id)).toContain(k.id);
  });

  it('rotates: the new key inherits settings and the old one stops at once', async () => {
    tenant = await t.tenant({ tier: 'high' }); // to mint and rotate a high-tier key
    const old = (
      await s.createKey(tenant.key, {
        name: 'rotating',
        permissions: ['read:deals', 'write:deals'],
        description: 'd',
        category: 'production',
        rateLimitTier: 'high',
        quotas: { total: 1000, daily: 50 },
      })
    ).data!;
    const r = await s.rotateKey(tenant.key, old.id);
    expect(r.status).toBe(201);
    const { key: fresh, secret, previous } = r.data!;
    expect(secret).not.toBe(old.secret);
    expect(fresh).toMatchObject({
      name: 'rotating',
      permissions: ['read:deals', 'write:deals'],
      description: 'd',
      category: 'production',
      rateLimitTier: 'high',
      quotas: { total: 1000, daily: 50, weekly: null, monthly: null },
      rotatedFromId: old.id,
    });
    expect(previous).toMatchObject({ id: old.id, state: 'revoked', replacedById: fresh.id });
    expect(await s.me(old.secret)).toMatchObject({ status: 401, code: 'revoked_key' });
    expect((await s.me(secret)).data!.id).toBe(fresh.id);
  });

  it('rotates with a grace period, never past the old key’s own expiry', async () => {
    const old = (await s.createKey(tenant.key, { name: 'graceful', permissions: ['read:contacts'] })).data!;
    const r = await s.rotateKey(tenant.key, old.id, { gracePeriodSeconds: 3600 });
    expect(r.data!.previous.expiresAt).toBe(new Date(t.clock.now() + 3_600_000).toISOString());
    expect((await s.me(old.secret)).status).toBe(200);
    expect((await s.me(r.data!.secret)).status).toBe(200);
    t.clock.advance(3_600_000);
    expect(await s.me(old.secret)).toMatchObject({ status: 401, code: 'expired_key' });
    expect((await s.me(r.data!.secret)).status).toBe(200);

    const soon = new Date(t.clock.now() + 120_000).toISOString();
    const short = (await s.createKey(tenant.key, { name: 'expiring soon', permissions: ['read:contacts'], expiresAt: soon })).data!;
    const r2 = await s.rotateKey(tenant.key, short.id, { gracePeriodSeconds: 86_400 });
    expect(r2.data!.previous.expiresAt).toBe(soon);
  });

  it("rotates into a key that keeps the old key's expiry unless another (or none) is asked for", async () => {
    const expiresAt = new Date(t.clock.now() + 30 * 86_400_000).toISOString();
    const make = async (name: string) => (await s.createKey(tenant.key, { name, permissions: ['read:contacts'], expiresAt })).data!;
    const kept = await s.rotateKey(tenant.key, (await make('expiring kept')).id, { gracePeriodSeconds: 60 });
    expect(kept.status).toBe(201);
    expect(kept.data!.key.expiresAt).toBe(expiresAt);
    const later = new Date(t.clock.now() + 60 * 86_400_000).toISOString();
    const moved = await s.rotateKey(tenant.key, (await make('expiring moved')).id, { expiresAt: later });
    expect(moved.data!.key.expiresAt).toBe(later);
    const cleared = await s.rotateKey(tenant.key, (await make('expiring cleared')).id, { expiresAt: null as unknown as string });
    expect(cleared.data!.key.expiresAt).toBeNull();
    // An expiry already past would make a replacement born dead: the caller must choose.
    const lapsed = await make('lapsed');
    t.clock.advance(31 * 86_400_000);
    const refused = await s.rotateKey(tenant.key, lapsed.id);
    expect(refused).toMatchObject({ status: 400, code: 'validation_error' });
    expect(refused.message).toMatch(/^expires_?[aA]t is required: this key expired at /);
  });

  it('deletes a never-used key; a used one is key_in_use', async () => {
    const unused = (await s.createKey(tenant.key, { name: 'never used', permissions: ['read:contacts'] })).data!;
    const del = await s.deleteKey(tenant.key, unused.id);
    expect(del).toMatchObject({ status: 200, data: { id: unused.id } });
    expect(await s.getKey(tenant.key, unused.id)).toMatchObject({ status: 404, code: 'not_found' });
    expect(await s.me(unused.secret)).toMatchObject({ status: 401, code: 'invalid_key' });

    const used = (await s.createKey(tenant.key, { name: 'used', permissions: ['read:contacts'] })).data!;
    expect((await s.me(used.secret)).status).toBe(200);
    expect(await s.deleteKey(tenant.key, used.id)).toMatchObject({ status: 409, code: 'key_in_use' });
    const still = await s.getKey(tenant.key, used.id);
    expect(still.data!.lastUsedAt).not.toBeNull();
  });

  it('answers who am I for the calling key', async () => {
    const me = await s.me(tenant.key);
    expect(me.data).toMatchObject({ id: tenant.keyId, name: 'Admin key', prefix: 'wbk_live', workspaceId: tenant.workspaceId, planName: 'Enterprise' });
    expect(me.data!.permissions).toContain('admin:api_keys');
  });
});
