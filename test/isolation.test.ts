import { beforeAll, describe, expect, it } from 'vitest';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';
import * as ops from './support/operations.js';
import { SURFACES } from './support/surfaces.js';

const t = serverForFile();
let mine: Tenant;
let theirs: Tenant;
let theirKeyId: string;
beforeAll(async () => {
  mine = await t.tenant({ name: 'Mine' });
  theirs = await t.tenant({ name: 'Theirs' });
  theirKeyId = (await SURFACES[0][1](t).createKey(theirs.key, { name: 'their key', permissions: ['read:contacts'] })).data!.id;
});

describe.each(SURFACES)('workspace isolation over %s', (_name, makeSurface) => {
  const notFound = { status: 404, code: 'not_found' };

  it("answers not_found for another workspace's key on every operation", async () => {
    const s = makeSurface(t);
    expect(await s.getKey(mine.key, theirKeyId)).toMatchObject(notFound);
    expect(await s.updateKey(mine.key, theirKeyId, { name: 'pwned' })).toMatchObject(notFound);
    expect(await s.deactivateKey(mine.key, theirKeyId)).toMatchObject(notFound);
    expect(await s.reactivateKey(mine.key, theirKeyId)).toMatchObject(notFound);
    expect(await s.revokeKey(mine.key, theirKeyId)).toMatchObject(notFound);
    expect(await s.rotateKey(mine.key, theirKeyId)).toMatchObject(notFound);
    expect(await s.deleteKey(mine.key, theirKeyId)).toMatchObject(notFound);
    expect(await s.getKey(mine.key, theirs.keyId)).toMatchObject(notFound);
    // Nothing changed on their side.
    const still = await s.getKey(theirs.key, theirKeyId);
    expect(still.data).toMatchObject({ name: 'their key', state: 'active' });
  });

  it('lists only its own keys, whatever the filter', async () => {
    const s = makeSurface(t);
    const all = await s.listKeys(mine.key, { first: 100 });
    expect(all.data!.items.map((k) => k.id)).not.toContain(theirKeyId);
    const byName = await s.listKeys(mine.key, { name: 'their' });
    expect(byName.data!.items).toEqual([]);
  });

  it('sees its own workspace in who am I', async () => {
    const s = makeSurface(t);
    expect((await s.me(mine.key)).data!.workspaceId).toBe(mine.workspaceId);
    expect((await s.me(theirs.key)).data!.workspaceId).toBe(theirs.workspaceId);
  });
});

describe('Relay node(id:) isolation', () => {
  it("resolves own ids and answers null for another workspace's", async () => {
    const own = await t.gql(ops.NodeById, { id: mine.keyId }, { key: mine.key });
    expect(own.body.data?.node).toEqual({ id: mine.keyId, __typename: 'ApiKey' });
    const ownWs = await t.gql(ops.NodeById, { id: mine.workspaceId }, { key: mine.key });
    expect(ownWs.body.data?.node).toEqual({ id: mine.workspaceId, __typename: 'Workspace' });
    for (const id of [theirKeyId, theirs.keyId, theirs.workspaceId]) {
      const r = await t.gql(ops.NodeById, { id }, { key: mine.key });
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data?.node).toBeNull();
    }
  });

  it('refuses an API key node to a key without admin:api_keys, as apiKey(id:) does (the domain checks it)', async () => {
    const reader = (await SURFACES[0][1](t).createKey(mine.key, { name: 'node reader', permissions: ['read:contacts'] })).data!;
    const r = await t.gql(ops.NodeById, { id: mine.keyId }, { key: reader.secret });
    expect(r.body.data?.node ?? null).toBeNull();
    expect(r.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['insufficient_permissions', 'Missing required permission: admin:api_keys']]);
  });

  it('uses the same id string on REST and GraphQL', async () => {
    const rest = await t.rest('GET', `/v1/api-keys/${mine.keyId}`, { key: mine.key });
    const gql = await t.gql(ops.GetKey, { id: mine.keyId }, { key: mine.key });
    expect(rest.body.data.id).toBe(gql.body.data?.apiKey.id);
  });
});
