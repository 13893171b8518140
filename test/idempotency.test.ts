import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiKeys, idempotencyRecords } from '../src/db/schema.js';
import { createKey } from '../src/domain/keys/service.js';
import { IDEMPOTENCY_TTL_MS, purgeIdempotencyRecords, requestHashFor } from '../src/domain/idempotency.js';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';
import { SURFACES, type Surface } from './support/surfaces.js';

const t = serverForFile();

const body = { name: 'Idempotent worker', permissions: ['read:contacts'] };
const idem = (k: string) => ({ headers: { 'Idempotency-Key': k } });

async function keysNamed(workspaceId: string, name: string) {
  return t.database.db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.name, name)));
}

describe.each(SURFACES)('Idempotency-Key on create over %s', (_name, makeSurface) => {
  let s: Surface;
  let tenant: Tenant;
  beforeEach(async () => {
    s = makeSurface(t);
    tenant = await t.tenant();
  });

  it('replays the first status and body, secret included, within 24 h', async () => {
    const first = await s.createKey(tenant.key, body, idem('create-1'));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    t.clock.advance(IDEMPOTENCY_TTL_MS - 1000);
    const again = await s.createKey(tenant.key, body, idem('create-1'));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.data).toEqual({ ...first.data, replayed: s.name === 'graphql' });
    expect(await keysNamed(tenant.workspaceId, body.name)).toHaveLength(1);
  });

  it('refuses the same key with another body (422 idempotency_mismatch)', async () => {
    await s.createKey(tenant.key, body, idem('create-2'));
    const other = await s.createKey(tenant.key, { ...body, name: 'Someone else' }, idem('create-2'));
    expect(other).toMatchObject({ status: 422, code: 'idempotency_mismatch' });
  });

  it('refuses a retry while the first is in flight (409 idempotency_in_flight)', async () => {
    // The record of a request still running, as the first request leaves it until it finishes.
    await t.database.db.insert(idempotencyRecords).values({
      workspaceId: tenant.workspaceId,
      apiKeyId: tenant.keyId,
      idempotencyKey: 'create-3',
      operation: 'createApiKey',
      requestHash: requestHashFor('createApiKey', body),
      state: 'in_flight',
      createdAt: new Date(t.clock.now()),
      expiresAt: new Date(t.clock.now() + IDEMPOTENCY_TTL_MS),
    });
    const r = await s.createKey(tenant.key, body, idem('create-3'));
    expect(r).toMatchObject({ status: 409, code: 'idempotency_in_flight' });
  });

  it('replays an error as well, so a retry cannot turn a refusal into a success', async () => {
    await s.createKey(tenant.key, { name: 'taken', permissions: ['read:contacts'] });
    const refused = await s.createKey(tenant.key, { name: 'taken', permissions: ['read:contacts'] }, idem('create-4'));
    expect(refused).toMatchObject({ status: 409, code: 'duplicate_name' });
    const again = await s.createKey(tenant.key, { name: 'taken', permissions: ['read:contacts'] }, idem('create-4'));
    expect(again).toMatchObject({ status: 409, code: 'duplicate_name' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('makes exactly one key from 50 concurrent creates with one Idempotency-Key', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => s.createKey(tenant.key, body, idem('burst'))));
    const created = results.filter((r) => r.status === 201);
    const inFlight = results.filter((r) => r.status === 409);
    expect(created.length + inFlight.length).toBe(50);
    expect(inFlight.every((r) => r.code === 'idempotency_in_flight')).toBe(true);
    expect(new Set(created.map((r) => r.data!.id)).size).toBe(1);
    expect(new Set(created.map((r) => r.data!.secret)).size).toBe(1);
    expect(await keysNamed(tenant.workspaceId, body.name)).toHaveLength(1);
  });

  it('scopes records to the workspace', async () => {
    const other = await t.tenant();
    const a = await s.createKey(tenant.key, body, idem('shared-key'));
    const b = await s.createKey(other.key, body, idem('shared-key'));
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.data!.id).not.toBe(a.data!.id);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
  });

  it("never replays one key's response to another key of the workspace: that key runs its own request", async () => {
    const strong = { name: 'Contacts writer', permissions: ['read:contacts', 'write:contacts'] };
    const first = await s.createKey(tenant.key, strong, idem('mint-1'));
    expect(first.status).toBe(201);
    const limited = (await s.createKey(tenant.key, { name: 'limited admin', permissions: ['admin:api_keys', 'read:contacts'] })).data!;

    // Same Idempotency-Key, same body, another key: its own request, refused for a scope it lacks.
    const stolen = await s.createKey(limited.secret, strong, idem('mint-1'));
    expect(stolen).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    expect(JSON.stringify(stolen)).not.toContain(first.data!.secret);
    expect(stolen.headers.get('idempotent-replayed')).toBeNull();

    // A body it may run: it gets a key of its own, not the first key's.
    const narrow = { name: 'Contacts reader', permissions: ['read:contacts'] };
    const mine = await s.createKey(tenant.key, narrow, idem('mint-2'));
    await s.deactivateKey(tenant.key, mine.data!.id);
    const theirs = await s.createKey(limited.secret, narrow, idem('mint-2'));
    expect(theirs.status).toBe(201);
    expect(theirs.data!.id).not.toBe(mine.data!.id);
    expect(theirs.data!.secret).not.toBe(mine.data!.secret);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();

    // Each key still replays its own first outcome.
    const again = await s.createKey(tenant.key, strong, idem('mint-1'));
    expect(again.data).toMatchObject({ id: first.data!.id, secret: first.data!.secret });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await s.createKey(limited.secret, narrow, idem('mint-2'))).data).toMatchObject({ id: theirs.data!.id, secret: theirs.data!.secret });
  });

  it('rejects a malformed Idempotency-Key', async () => {
    const r = await s.createKey(tenant.key, body, idem('x'.repeat(300)));
    expect(r).toMatchObject({ status: 400, code: 'validation_error' });
    expect(r.message).toMatch(/Idempotency-Key/);
  });
});

describe('idempotency records at rest', () => {
  it('seal the secret and are purged after 24 h', async () => {
    const tenant = await t.tenant();
    const r = await t.rest('POST', '/v1/api-keys', { key: tenant.key, body, headers: { 'Idempotency-Key': 'sealed' } });
    const secret: string = r.body.data.key;
    const [rec] = await t.database.db.select().from(idempotencyRecords).where(eq(idempotencyRecords.workspaceId, tenant.workspaceId));
    expect(rec!.state).toBe('done');
    const raw = Buffer.from(rec!.responseSealed!);
    expect(raw.includes(Buffer.from(secret))).toBe(false);
    expect(raw.includes(Buffer.from(secret.slice(9, 30)))).toBe(false);

    // After 24 h the record is gone and the key is free for a new request.
    t.clock.advance(IDEMPOTENCY_TTL_MS);
    expect(await purgeIdempotencyRecords(t.database.db, t.clock.now())).toBeGreaterThan(0);
    const left = await t.database.db.select().from(idempotencyRecords).where(eq(idempotencyRecords.workspaceId, tenant.workspaceId));
    expect(left).toHaveLength(0);
    const fresh = await t.rest('POST', '/v1/api-keys', { key: tenant.key, body: { ...body, name: 'after purge' }, headers: { 'Idempotency-Key': 'sealed' } });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
  });

  it('another key replaying over the other surface runs its own request, never gets the secret', async () => {
    const tenant = await t.tenant();
    const limited = (await SURFACES[0][1](t).createKey(tenant.key, { name: 'limited', permissions: ['admin:api_keys', 'read:contacts'] })).data!;
    const strong = { name: 'writer', permissions: ['write:contacts'] };
    for (const [first, second] of [SURFACES, [...SURFACES].reverse()]) {
      const key = `cross-key-${first[0]}`;
      const minted = await first[1](t).createKey(tenant.key, strong, idem(key));
      expect(minted.status).toBe(201);
      const stolen = await second[1](t).createKey(limited.secret, strong, idem(key));
      expect(stolen).toMatchObject({ status: 403, code: 'insufficient_permissions' });
      expect(JSON.stringify(stolen)).not.toContain(minted.data!.secret);
      await SURFACES[0][1](t).revokeKey(tenant.key, minted.data!.id);
    }
  });

  it('a rotated key does not replay the records of the key it replaced', async () => {
    const tenant = await t.tenant();
    const rest = SURFACES[0][1](t);
    const first = await rest.createKey(tenant.key, body, idem('before-rotation'));
    const rotated = await rest.rotateKey(tenant.key, tenant.keyId, { gracePeriodSeconds: 60 });
    const again = await rest.createKey(rotated.data!.secret, body, idem('before-rotation'));
    // Its own request: the name is taken by the first key's creation.
    expect(again).toMatchObject({ status: 409, code: 'duplicate_name' });
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.stringify(again)).not.toContain(first.data!.secret);
  });

  it('a REST create and a GraphQL create with the same key and body replay each other', async () => {
    const tenant = await t.tenant();
    const rest = await t.rest('POST', '/v1/api-keys', { key: tenant.key, body, headers: { 'Idempotency-Key': 'cross' } });
    const gql = await SURFACES[1][1](t).createKey(tenant.key, body, idem('cross'));
    expect(gql.data!.id).toBe(rest.body.data.id);
    expect(gql.data!.secret).toBe(rest.body.data.key);
    expect(gql.data!.replayed).toBe(true);
  });
});

describe('a failure after the work committed', () => {
  it('keeps the record, so the retry replays the key instead of making another', async () => {
    const tenant = await t.tenant();
    const principal = await t.app.gateway.authenticator.authenticate(`Bearer ${tenant.key}`, '127.0.0.1');
    const ctx = t.app.contexts(principal, { credits: 0, replayed: false, idempotencyKey: 'lost-ack-1' });
    // The transaction commits, then the connection dies before the client hears so.
    const lost = Object.assign(new Error('connection closed after COMMIT was sent'), { code: 'CONNECTION_CLOSED' });
    const db = new Proxy(ctx.db, {
      get(target, prop, receiver) {
        if (prop !== 'transaction') return Reflect.get(target, prop, receiver);
        return async (fn: Parameters<typeof target.transaction>[0]) => {
          await target.transaction(fn);
          throw lost;
        };
      },
    });
    const input = { name: 'Committed then lost', permissions: ['read:contacts'] };
    await expect(createKey({ ...ctx, db }, input)).rejects.toBe(lost);
    const retry = await createKey(ctx, input);
    expect(retry.replayed).toBe(true);
    expect(await keysNamed(tenant.workspaceId, input.name)).toHaveLength(1);
    expect(retry.key.id).toBe((await keysNamed(tenant.workspaceId, input.name))[0]!.id);
  });
});
