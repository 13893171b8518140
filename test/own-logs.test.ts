import { beforeEach, describe, expect, it } from 'vitest';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';
import * as ops from './support/operations.js';
import { SURFACES, type Surface } from './support/surfaces.js';

const t = serverForFile();

describe.each(SURFACES)("a key's own usage and logs over %s", (_name, makeSurface) => {
  let s: Surface;
  let tenant: Tenant;
  beforeEach(async () => {
    s = makeSurface(t);
    tenant = await t.tenant();
  });
  const readOnly = async (name: string, on: Tenant = tenant) => (await s.createKey(on.key, { name, permissions: ['read:contacts'] })).data!;

  it('are readable without read:logs, and hold only what the calling key did', async () => {
    const ci = await readOnly('ci');
    const other = await readOnly('other');
    const elsewhere = await readOnly('elsewhere', await t.tenant());
    await s.me(ci.secret);
    t.clock.advance(60_000);
    await s.me(ci.secret);
    await s.me(other.secret);
    await s.me(elsewhere.secret);
    expect((await s.getKey(ci.secret, other.id)).code).toBe('insufficient_permissions');

    const logs = await s.ownLogs(ci.secret);
    expect(logs.status).toBe(200);
    expect(logs.data!.items.map((l) => l.apiKeyId)).toEqual([ci.id, ci.id, ci.id]);
    expect(logs.data!.items[0]).toMatchObject({ errorCode: 'insufficient_permissions', keyPrefix: 'wbk_live' });
    expect(logs.data!.items[2]).toMatchObject({ endpoint: s.meEndpoint, status: 200 });

    // Today's calls: the three above and the log query, which is written before this one reads.
    const u = await s.ownUsage(ci.secret);
    expect(u.status).toBe(200);
    expect(u.data).toMatchObject({ calls: 4, lastUsedAt: new Date(t.clock.now()).toISOString() });
    expect(u.data!.endpoints.find((e) => e.endpoint === s.meEndpoint)).toEqual({ endpoint: s.meEndpoint, calls: 2, errors: 0, errorRate: 0 });
  });

  it('take the filters, window and paging of the workspace views', async () => {
    const ci = await readOnly('ci filtered');
    const t0 = t.clock.now();
    await s.me(ci.secret);
    t.clock.advance(60_000);
    await s.me(ci.secret);
    t.clock.advance(60_000);
    await s.me(ci.secret);
    await s.getKey(ci.secret, ci.id);

    const byEndpoint = await s.ownLogs(ci.secret, { endpoint: s.meEndpoint });
    expect(byEndpoint.data!.items).toHaveLength(3);
    const inRange = await s.ownLogs(ci.secret, { from: new Date(t0 + 60_000).toISOString(), to: new Date(t0 + 120_000).toISOString() });
    expect(inRange.data!.items).toHaveLength(1);
    if (s.name === 'rest') expect((await s.ownLogs(ci.secret, { statusClass: '4xx' })).data!.items.map((l) => l.status)).toEqual([403]);

    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await s.ownLogs(ci.secret, { first: 2, after, endpoint: s.meEndpoint });
      seen.push(...page.data!.items.map((l) => l.id));
      if (!page.data!.next) break;
      after = page.data!.next;
    }
    expect(seen).toEqual(byEndpoint.data!.items.map((l) => l.id));

    const window = await s.ownUsage(ci.secret, { from: new Date(t0 + 60_000).toISOString(), to: new Date(t0 + 120_000).toISOString() });
    expect(window.data!.calls).toBe(1);
    expect(await s.ownUsage(ci.secret, { from: new Date(t0).toISOString(), to: new Date(t0).toISOString() })).toMatchObject({
      status: 400,
      code: 'validation_error',
    });
  });

  it("never open another key's logs or usage, nor the workspace's, without read:logs", async () => {
    const ci = await readOnly('ci confined');
    const other = await readOnly('neighbour');
    await s.me(other.secret);
    expect(await s.logs(ci.secret)).toMatchObject({ status: 403, code: 'insufficient_permissions', message: 'Missing required permission: read:logs' });
    expect(await s.logs(ci.secret, {}, other.id)).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    expect(await s.usage(ci.secret)).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    expect(await s.usage(ci.secret, other.id)).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    // The workspace's views still show every key's requests to a key that holds read:logs.
    const all = await s.logs(tenant.key, { apiKeyId: other.id });
    expect(all.data!.items.map((l) => l.apiKeyId)).toEqual([other.id]);
  });
});

describe('own logs, surface by surface', () => {
  it('REST refuses a key_id on /v1/me/logs rather than ignore it', async () => {
    const tenant = await t.tenant();
    const r = await t.rest('GET', `/v1/me/logs?key_id=${tenant.keyId}`, { key: tenant.key });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'validation_error' });
    expect(r.body.error.message).toMatch(/^key_id is not accepted here/);
  });

  it("GraphQL loads a key's own log as a node without read:logs, and no other key's", async () => {
    const tenant = await t.tenant();
    const g = SURFACES[1][1](t);
    const ci = (await g.createKey(tenant.key, { name: 'ci nodes', permissions: ['read:contacts'] })).data!;
    await g.me(ci.secret);
    await g.me(tenant.key);
    const mine = (await g.ownLogs(ci.secret)).data!.items[0]!;
    const theirs = (await g.ownLogs(tenant.key)).data!.items[0]!;
    const own = await t.gql(ops.NodeById, { id: mine.id }, { key: ci.secret });
    expect(own.body.data?.node).toEqual({ id: mine.id, __typename: 'RequestLog' });
    const refused = await t.gql(ops.NodeById, { id: theirs.id }, { key: ci.secret });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('insufficient_permissions');
  });
});
