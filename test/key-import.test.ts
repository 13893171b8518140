import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { importKeysFile, runCliRequest, type CliExecutor } from '../src/control/commands.js';
import { MAX_REQUEST_BYTES } from '../src/control/socket.js';
import { apiKeyEvents, apiKeys, requestLogs } from '../src/db/schema.js';
import type { ImportLineResult } from '../src/domain/keys/import.js';
import { Directory } from '../src/domain/directory.js';
import { displayParts, generateSecret, MAX_KEY_LENGTH } from '../src/domain/keys/secret.js';
import { InvalidationBus } from '../src/gateway/invalidation.js';
import { serverForFile } from './support/fixture.js';
import { openTestDatabase, startServer, type Tenant, type TestServer } from './support/harness.js';
import { SURFACES } from './support/surfaces.js';

/**
 * `cli keys import`: keys made elsewhere (e.g. the hosted product's `capi_…` keys) keep working.
 * The CLI's command runs here in process, as the server runs it for the CLI (control socket);
 * test/key-import-cli.test.ts runs the real CLI against a real server.
 */
const t = serverForFile();

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
let n = 0;
/** A foreign key no other test holds: `capi_` and 32 hex characters, as the hosted product mints them. */
const capi = () => `capi_${createHash('md5').update(`${process.pid}-${++n}-${Math.random()}`).digest('hex')}`;
const line = (o: Record<string, unknown>) => JSON.stringify(o);
const file = (...lines: string[]) => `${lines.join('\n')}\n`;

/** As the server runs the CLI's requests: on its database, announcing keys to its gateway. */
function serverExec(server: TestServer): CliExecutor {
  return (req) => runCliRequest({ ...server.app.services, database: server.app.database }, req);
}

interface ImportReport {
  imported: number;
  skipped: number;
  failed: number;
  lines: ImportLineResult[];
}

async function importInto(workspaceId: string, content: string, exec: CliExecutor = serverExec(t)): Promise<ImportReport & { exitCode: number; text: string }> {
  const out = await importKeysFile(exec, workspaceId, 'keys.ndjson', content);
  return { ...(out.json as ImportReport), exitCode: out.exitCode ?? 0, text: out.text };
}

describe.each(SURFACES)('imported keys over %s', (_name, makeSurface) => {
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await t.tenant();
  });

  it('an imported plaintext key and an imported hash-only capi_ key authenticate, with their permissions and nothing more', async () => {
    const s = makeSurface(t);
    const plain = capi();
    const hashed = capi();
    const r = await importInto(
      tenant.workspaceId,
      file(
        line({ key: plain, name: 'n8n production', permissions: ['read'], category: 'production' }),
        line({ hash: sha256(hashed), name: 'zapier', permissions: ['read:contacts', 'write:contacts'], prefix: 'capi_zap', quotas: { daily: 500 } }),
      ),
    );
    expect(r).toMatchObject({ imported: 2, skipped: 0, failed: 0, exitCode: 0 });
    expect(r.text).toMatch(
      /^Workspace ws_\w+: 2 imported, 0 skipped \(already present\), 0 failed\nline 1: imported key_\w+ "n8n production"\nline 2: imported key_\w+ "zapier"$/,
    );
    expect(r.text).not.toContain(plain);

    const me = await s.me(plain);
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ id: r.lines[0]!.id, name: 'n8n production', workspaceId: tenant.workspaceId });
    expect(me.data!.permissions).toEqual(['read:contacts', 'read:lists', 'read:campaigns', 'read:deals', 'read:leads']);
    expect((await s.me(hashed)).data).toMatchObject({ id: r.lines[1]!.id, permissions: ['read:contacts', 'write:contacts'] });
    // Scopes are enforced as for any key.
    for (const k of [plain, hashed]) {
      expect(await s.logs(k)).toMatchObject({ status: 403, code: 'insufficient_permissions', message: 'Missing required permission: read:logs' });
      expect(await s.createKey(k, { name: 'escalate', permissions: ['read'] })).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    }

    // What is shown: a plaintext key as any other (first 12, last 4: at least 16 of its 37
    // characters stay hidden); a hash-only key only the prefix the operator gave.
    const shown = (await s.getKey(tenant.key, r.lines[0]!.id!)).data!;
    expect(shown).toMatchObject({
      prefix: plain.slice(0, 8),
      last4: plain.slice(-4),
      hint: `${plain.slice(0, 12)}…${plain.slice(-4)}`,
      category: 'production',
    });
    const byHash = (await s.getKey(tenant.key, r.lines[1]!.id!)).data!;
    expect(byHash).toMatchObject({ prefix: 'capi_zap', last4: null, hint: 'capi_zap…', quotas: { total: null, daily: 500, weekly: null, monthly: null } });
  });

  it('a hash-only key without a prefix shows that nothing of it is known, and is logged by its id only', async () => {
    const s = makeSurface(t);
    const secret = capi();
    const r = await importInto(tenant.workspaceId, file(line({ hash: sha256(secret), name: `bare ${s.name}`, permissions: ['read:contacts'] })));
    const id = r.lines[0]!.id!;
    expect((await s.getKey(tenant.key, id)).data).toMatchObject({ prefix: '', last4: null, hint: '(imported by hash)' });
    const ok = await s.me(secret);
    expect(ok.status).toBe(200);
    await t.app.logWriter.flush();
    const [row] = await t.database.db.select().from(requestLogs).where(eq(requestLogs.keyId, id));
    expect(row).toMatchObject({ keyPrefix: null, status: 200 });
    expect(JSON.stringify(row)).not.toContain(secret.slice(5));
  });
});

describe('an import file', () => {
  it('reports each bad line by number and reason, and imports the good ones', async () => {
    const tenant = await t.tenant();
    const pro = await t.tenant({ plan: 'pro' });
    const good = capi();
    const secretInBadJson = capi();
    const ours = generateSecret();
    const content = file(
      line({ key: good, name: 'good', permissions: ['read:contacts'] }),
      `{"key":"${secretInBadJson}", "name": `,
      '',
      line({ name: 'neither', permissions: ['read'] }),
      line({ key: capi(), hash: sha256('x'), name: 'both', permissions: ['read'] }),
      line({ hash: 'abc', name: 'short hash', permissions: ['read'] }),
      line({ key: capi(), name: 'unknown scope', permissions: ['read:contacts', 'read:secrets'] }),
      line({ key: capi(), name: 'past', permissions: ['read'], expires_at: '2020-01-01T00:00:00Z' }),
      line({ key: capi(), name: 'good', permissions: ['read'] }),
      line({ key: `${ours.slice(0, -1)}${ours.endsWith('a') ? 'b' : 'a'}`, name: 'bad checksum', permissions: ['read'] }),
      line({ key: 'capi_short', name: 'short', permissions: ['read'] }),
      line({ key: capi(), prefix: 'nope_', name: 'wrong prefix', permissions: ['read'] }),
      line({ key: capi(), name: 'extra', permissions: ['read'], owner: 'bob' }),
      '[1,2]',
      line({ hash: sha256(ours), name: 'ours by hash', permissions: ['read'], rate_limit_tier: 'high', expires_at: '2027-06-01T00:00:00Z' }),
    );
    const r = await importInto(tenant.workspaceId, content);
    expect(r.lines.map((l) => [l.line, l.result, l.reason ?? l.name])).toEqual([
      [1, 'imported', 'good'],
      [2, 'failed', 'is not valid JSON'],
      [4, 'failed', 'needs exactly one of hash (the SHA-256 of the key) and key (its plaintext)'],
      [5, 'failed', 'needs exactly one of hash (the SHA-256 of the key) and key (its plaintext)'],
      [6, 'failed', "hash must be the key's SHA-256, as 64 hexadecimal characters"],
      [7, 'failed', 'permissions has an unknown scope "read:secrets"'],
      [8, 'failed', 'expires_at must be in the future'],
      [9, 'failed', 'An active API key named "good" already exists in this workspace'],
      [10, 'failed', 'key starts with wbk_live_ but is not a key of this server (its length or checksum is wrong), so it could never authenticate'],
      [11, 'failed', 'key must be at least 16 characters (import a shorter key by its hash)'],
      [12, 'failed', 'prefix must be how key begins (or leave it out: it is taken from key)'],
      [13, 'failed', 'owner is not a known field'],
      [14, 'failed', 'must be a JSON object'],
      [15, 'imported', 'ours by hash'],
    ]);
    expect(r).toMatchObject({ imported: 2, skipped: 0, failed: 12, exitCode: 1 });
    // Secrets never come back, not even from a line that is not JSON.
    expect(JSON.stringify(r)).not.toContain(secretInBadJson);
    expect(JSON.stringify(r)).not.toContain(good);
    const s = SURFACES[0][1](t);
    expect((await s.me(good)).status).toBe(200);
    const ownByHash = (await s.me(ours)).data!;
    expect(ownByHash.name).toBe('ours by hash');
    expect((await s.getKey(tenant.key, ownByHash.id)).data).toMatchObject({ rateLimitTier: 'high', expiresAt: '2027-06-01T00:00:00.000Z' });

    // The plan's rules hold too: unmetered only on enterprise plans.
    const unmetered = await importInto(pro.workspaceId, file(line({ key: capi(), name: 'fast', permissions: ['read'], rate_limit_tier: 'unmetered' })));
    expect(unmetered.lines).toEqual([{ line: 1, result: 'failed', reason: 'rate_limit_tier unmetered is only available on enterprise plans' }]);
    // And the operator's scope only on the Admin plan.
    const operator = await importInto(pro.workspaceId, file(line({ key: capi(), name: 'operator', permissions: ['read', 'admin:operator'] })));
    expect(operator.lines).toEqual([{ line: 1, result: 'failed', reason: 'permissions may hold admin:operator only in a workspace on the Admin plan' }]);
  });

  it('imported again changes nothing: every key is skipped, named by its id, and no event is recorded', async () => {
    const tenant = await t.tenant();
    const keys = [capi(), capi(), capi()];
    const content = file(
      line({ key: keys[0], name: 'one', permissions: ['read'] }),
      line({ hash: sha256(keys[1]!), name: 'two', permissions: ['read'] }),
      line({ key: keys[2], name: 'three', permissions: ['lexi'] }),
    );
    const first = await importInto(tenant.workspaceId, content);
    expect(first).toMatchObject({ imported: 3, skipped: 0, failed: 0 });
    const count = async () => ({
      keys: (await t.database.db.select().from(apiKeys).where(eq(apiKeys.workspaceId, tenant.workspaceId))).length,
      events: (await t.database.db.select().from(apiKeyEvents).where(eq(apiKeyEvents.workspaceId, tenant.workspaceId))).length,
    });
    const before = await count();
    const again = await importInto(tenant.workspaceId, content);
    expect(again).toMatchObject({ imported: 0, skipped: 3, failed: 0, exitCode: 0 });
    expect(again.lines).toEqual(
      first.lines.map((l) => ({ line: l.line, result: 'skipped', id: l.id, reason: `already present as ${l.id} (same hash); left unchanged` })),
    );
    expect(again.text.split('\n')[0]).toMatch(/: 0 imported, 3 skipped \(already present\), 0 failed$/);
    expect(await count()).toEqual(before);
  });

  it('is audited like creation: a created event by the CLI, saying imported', async () => {
    const tenant = await t.tenant();
    const r = await importInto(tenant.workspaceId, file(line({ hash: sha256(capi()), name: 'audited', permissions: ['read'] })));
    const events = await t.database.db.select().from(apiKeyEvents).where(eq(apiKeyEvents.keyId, r.lines[0]!.id!));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'created',
      workspaceId: tenant.workspaceId,
      actorKeyId: null,
      detail: { imported: true, actor: 'cli', from: 'hash', foreignFormat: true },
    });
  });

  it("refuses a hash another workspace holds, whether imported or minted there; another workspace's id is not found", async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const theirs = capi();
    await importInto(a.workspaceId, file(line({ key: theirs, name: 'theirs', permissions: ['read'] })));
    const r = await importInto(
      b.workspaceId,
      file(
        line({ key: theirs, name: 'stolen', permissions: ['read', 'write'] }),
        line({ hash: sha256(a.key), name: 'stolen admin', permissions: ['read'] }),
        line({ key: capi(), name: 'mine', permissions: ['read'] }),
      ),
    );
    expect(r.lines.map((l) => [l.line, l.result, l.reason ?? l.name])).toEqual([
      [1, 'failed', 'this key belongs to another workspace'],
      [2, 'failed', 'this key belongs to another workspace'],
      [3, 'imported', 'mine'],
    ]);
    // The key still belongs to A, with A's permissions.
    expect((await SURFACES[1][1](t).me(theirs)).data).toMatchObject({ workspaceId: a.workspaceId, name: 'theirs' });
    await expect(importInto('ws_01NOSUCHWORKSPACE000000000', file(line({ key: capi(), name: 'x', permissions: ['read'] })))).rejects.toThrow(
      'Workspace not found',
    );
  });

  it('bounds each line and each key: an oversized line is reported, not read', async () => {
    const tenant = await t.tenant();
    const r = await importInto(
      tenant.workspaceId,
      file(
        line({ key: capi(), name: 'x'.repeat(17_000), permissions: ['read'] }),
        line({ key: `capi_${'a'.repeat(MAX_KEY_LENGTH)}`, name: 'long', permissions: ['read'] }),
        line({ key: 'capi_with space_0123456789', name: 'spaced', permissions: ['read'] }),
      ),
    );
    expect(r.lines.map((l) => [l.line, l.reason])).toEqual([
      [1, expect.stringMatching(/^is 170\d\d bytes; a line may be at most 16384$/)],
      [2, `key must be at most ${MAX_KEY_LENGTH} characters`],
      [3, 'key must be printable ASCII without spaces, as sent after "Bearer "'],
    ]);
  });
});

describe('a large import file', () => {
  it('goes to the server in parts under the control socket bound, reported line by line; a part that fails says what was done', async () => {
    const tenant = await t.tenant();
    const lines = Array.from({ length: 2500 }, (_, i) =>
      i % 1000 === 999
        ? line({ hash: sha256(capi()), name: `kept ${i + 1}`, permissions: ['read'], description: 'd'.repeat(900) })
        : line({ hash: sha256(capi()), name: `n${i + 1}`, permissions: ['nope'], description: 'd'.repeat(900) }),
    );
    const sizes: number[] = [];
    const exec = serverExec(t);
    const r = await importInto(tenant.workspaceId, file(...lines), (req) => (sizes.push(Buffer.byteLength(JSON.stringify(req))), exec(req)));
    expect(sizes.length).toBeGreaterThan(2);
    expect(Math.max(...sizes)).toBeLessThan(MAX_REQUEST_BYTES);
    expect(r).toMatchObject({ imported: 2, skipped: 0, failed: 2498 });
    expect(r.lines.map((l) => l.line)).toEqual(lines.map((_, i) => i + 1));
    expect(r.lines.filter((l) => l.result === 'imported').map((l) => [l.line, l.name])).toEqual([
      [1000, 'kept 1000'],
      [2000, 'kept 2000'],
    ]);

    let calls = 0;
    const failing: CliExecutor = (req) => (++calls === 2 ? Promise.reject(new Error('the database is unavailable; retry in a few seconds')) : exec(req));
    const again = importKeysFile(failing, tenant.workspaceId, 'keys.ndjson', file(...lines));
    await expect(again).rejects.toThrow(
      /^the database is unavailable; retry in a few seconds \(in the part of keys.ndjson from line \d+; 0 keys before it were imported, and some of this part may have been: importing keys.ndjson again skips keys already there\)$/,
    );
  });
});

describe('what is shown of a foreign secret', () => {
  it('never more than 16 characters, never more than half, always at least 16 hidden', () => {
    expect(displayParts('capi_0123456789abcdef0123456789abcdef')).toEqual({ prefix: 'capi_012', start: 'capi_0123456', last4: 'cdef' });
    expect(displayParts('capi_0123456789abcdefghi')).toEqual({ prefix: 'capi', start: 'capi', last4: 'fghi' });
    expect(displayParts('capi_0123456789abcd')).toEqual({ prefix: 'cap', start: 'cap', last4: null });
    expect(displayParts('capi_0123456789a')).toEqual({ prefix: '', start: '', last4: null });
    const ours = generateSecret();
    expect(displayParts(ours)).toEqual({ prefix: ours.slice(0, 8), start: ours.slice(0, 12), last4: ours.slice(-4) });
  });
});

describe.each(SURFACES)('foreign-format tokens over %s', (_name, makeSurface) => {
  it('one that matches nothing is looked up once, then refused from the negative cache', async () => {
    const s = makeSurface(t);
    const tenant = await t.tenant();
    await importInto(tenant.workspaceId, file(line({ key: capi(), name: 'any foreign', permissions: ['read'] })));
    const stranger = capi();
    const before = t.database.stats.queries;
    expect(await s.me(stranger)).toMatchObject({ status: 401, code: 'invalid_key', message: 'Invalid API key' });
    expect(t.database.stats.queries).toBe(before + 1);
    for (let i = 0; i < 3; i++) expect((await s.me(stranger)).code).toBe('invalid_key');
    expect(t.database.stats.queries).toBe(before + 1);
  });

  it('our own format still stands or falls by its checksum: a bad one never reaches the database', async () => {
    const s = makeSurface(t);
    const tenant = await t.tenant();
    await importInto(tenant.workspaceId, file(line({ key: capi(), name: 'any foreign', permissions: ['read'] })));
    expect(t.app.gateway.known.foreignFormats).toBe(true);
    const good = generateSecret();
    const mistyped = good.slice(0, 20) + (good[20] === 'a' ? 'b' : 'a') + good.slice(21);
    const before = t.database.stats.queries;
    for (const bad of [mistyped, `${good}x`, 'wbk_live_short', `capi_${'a'.repeat(MAX_KEY_LENGTH)}`]) {
      expect(await s.me(bad)).toMatchObject({ status: 401, code: 'invalid_key' });
    }
    expect(t.database.stats.queries).toBe(before);
  });

  it('an unknown one is charged to the unknown-key budget; imported keys are not', async () => {
    const tenant = await t.tenant();
    const known = capi();
    await importInto(tenant.workspaceId, file(line({ key: known, name: 'budgeted', permissions: ['read'] })));
    const shared = process.env.TEST_DATABASE_URL ? await openTestDatabase() : t.database;
    const other = await startServer({ database: shared, clock: t.clock, sharedDatabase: true, lookupBudget: { perSecond: 1, burst: 1, addressShare: 1 } });
    try {
      const s = makeSurface(other);
      expect((await s.me(capi())).code).toBe('invalid_key');
      expect(await s.me(capi())).toMatchObject({ status: 503, code: 'service_unavailable' });
      expect((await s.me(known)).status).toBe(200);
    } finally {
      await other.close();
      if (process.env.TEST_DATABASE_URL) await shared.close();
    }
  });
});

describe('where no foreign-format key was ever imported', () => {
  // A fresh embedded database: on the shared PostgreSQL other tests' imports are there.
  it.skipIf(!!process.env.TEST_DATABASE_URL)('a foreign-format token is refused without a lookup, until one is imported', async () => {
    const fresh = await startServer({ database: await openTestDatabase() });
    try {
      const s = SURFACES[0][1](fresh);
      const tenant = await fresh.tenant();
      const secret = capi();
      expect(fresh.app.gateway.known.foreignFormats).toBe(false);
      const before = fresh.database.stats.queries;
      expect((await s.me(secret)).code).toBe('invalid_key');
      expect(fresh.database.stats.queries).toBe(before);
      await importInto(tenant.workspaceId, file(line({ key: secret, name: 'first foreign', permissions: ['read'] })), serverExec(fresh));
      expect((await s.me(secret)).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});

describe('an import by a CLI with its own database connection', () => {
  it('reaches a running server over the invalidation bus: its foreign keys authenticate there within a second', async () => {
    const fresh = await openTestDatabase();
    const server = await startServer({ database: fresh });
    const cli = process.env.TEST_DATABASE_URL ? await openTestDatabase() : fresh;
    try {
      const tenant = await server.tenant();
      const s = SURFACES[1][1](server);
      const secret = capi();
      // Looked up before it exists (where foreign keys already exist): the negative cache holds it.
      await s.me(secret);
      const bus = new InvalidationBus(cli);
      const lookup = await Directory.load(cli.db);
      const exec: CliExecutor = (req) =>
        runCliRequest(
          {
            database: cli,
            db: cli.db,
            clock: server.clock,
            lookup,
            keyChanged: (hash, opts) => bus.publish(opts?.foreign ? { hash, foreign: true } : { hash }),
            workspaceChanged: (id) => bus.publish({ workspace: id }),
          },
          req,
        );
      const r = await importInto(tenant.workspaceId, file(line({ key: secret, name: 'from the cli', permissions: ['read:contacts'] })), exec);
      expect(r.imported).toBe(1);
      const started = Date.now();
      await vi.waitFor(async () => expect((await s.me(secret)).status).toBe(200), { timeout: 1000, interval: 10 });
      expect(Date.now() - started).toBeLessThan(1000);
      const [row] = await server.database.db
        .select({ foreign: apiKeys.foreignFormat })
        .from(apiKeys)
        .where(and(eq(apiKeys.workspaceId, tenant.workspaceId), eq(apiKeys.name, 'from the cli')));
      expect(row).toEqual({ foreign: true });
    } finally {
      await server.close();
      if (process.env.TEST_DATABASE_URL) await cli.close();
    }
  });
});
