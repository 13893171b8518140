import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { apiKeyEvents, apiKeys } from '../../src/db/schema.js';
import { importKeys, MAX_IMPORT_LINE_BYTES, type ImportLine } from '../../src/domain/keys/import.js';
import { hashSecret } from '../../src/domain/keys/secret.js';
import { getKey } from '../../src/domain/keys/service.js';
import { describe, expect, test, type Domain } from '../support/fixture.js';

/** importKeys on the database, as the CLI's command runs it; the CLI's file handling is test/key-import.test.ts. */

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
let n = 0;
/** A foreign key no other test holds, as the hosted product mints them. */
const capi = () => `capi_${createHash('md5').update(`${process.pid}-${++n}-${Math.random()}`).digest('hex')}`;
const lines = (...objects: unknown[]): ImportLine[] => objects.map((o, i) => ({ line: i + 1, text: typeof o === 'string' ? o : JSON.stringify(o) }));

/** Imports into `workspaceId`, announcing as the app does and keeping what was announced (hash, and whether of a foreign format). */
async function importInto(domain: Domain, workspaceId: string, input: ImportLine[]) {
  const announced: [string, boolean][] = [];
  const results = await importKeys(
    {
      db: domain.db,
      clock: domain.clock,
      lookup: domain.lookup,
      keyChanged: (hash, opts) => (announced.push([hash, opts?.foreign === true]), domain.announceKey(hash, opts)),
    },
    workspaceId,
    input,
  );
  return { results, announced };
}

describe('key import', () => {
  test('imports a plaintext key and a hash, which authenticate with what the lines grant; a second run skips them', async ({ domain }) => {
    const ws = await domain.workspace();
    const plain = capi();
    const hashed = capi();
    const input = lines(
      { key: plain, name: 'n8n', permissions: ['read'], category: 'production' },
      { hash: sha256(hashed).toUpperCase(), name: 'zapier', permissions: ['read:contacts'], prefix: 'capi_zap', quotas: { daily: 500 } },
    );
    const first = await importInto(domain, ws.workspace.id, input);
    expect(first.results).toEqual([
      { line: 1, result: 'imported', id: expect.stringMatching(/^key_/), name: 'n8n' },
      { line: 2, result: 'imported', id: expect.stringMatching(/^key_/), name: 'zapier' },
    ]);
    expect(first.announced).toEqual([
      [hashSecret(plain), true],
      [sha256(hashed), true],
    ]);
    // The hash is stored lower-case: the key itself authenticates.
    const zapier = await getKey(ws.admin.ctx(), first.results[1]!.id!);
    expect(zapier).toMatchObject({ prefix: 'capi_zap', start: 'capi_zap', last4: null, foreignFormat: true, quotaDaily: 500, createdByKeyId: null });
    const caller = await domain.callerFor(zapier, hashed);
    expect([...caller.principal.permissions]).toEqual(['read:contacts']);
    const n8n = await domain.callerFor(await getKey(ws.admin.ctx(), first.results[0]!.id!), plain);
    expect(n8n.principal.workspaceId).toBe(ws.workspace.id);
    const [event] = await domain.db.select().from(apiKeyEvents).where(eq(apiKeyEvents.keyId, zapier.id));
    expect(event).toMatchObject({ type: 'created', actorKeyId: null, detail: { imported: true, actor: 'cli', from: 'hash', foreignFormat: true } });

    const again = await importInto(domain, ws.workspace.id, input);
    expect(again.results.map((r) => [r.result, r.reason])).toEqual([
      ['skipped', `already present as ${first.results[0]!.id} (same hash); left unchanged`],
      ['skipped', `already present as ${first.results[1]!.id} (same hash); left unchanged`],
    ]);
    expect(again.announced).toEqual([]);
  });

  test('reports each bad line by number and reason, never quoting the secret, and imports the rest', async ({ domain }) => {
    const ws = await domain.workspace({ plan: 'pro' });
    const secret = capi();
    const input = lines(
      '{"key": "' + secret,
      [secret],
      { name: 'both', permissions: ['read'] },
      { key: secret, hash: sha256(secret), name: 'both', permissions: ['read'] },
      { key: 'short-key', name: 'short', permissions: ['read'] },
      { hash: sha256(capi()).slice(2), name: 'typo', permissions: ['read'] },
      { key: capi(), name: 'unknown scope', permissions: ['read:secrets'] },
      { key: capi(), name: 'operator', permissions: ['admin:operator'] },
      { key: capi(), name: 'unmetered', permissions: ['read'], rate_limit_tier: 'unmetered' },
      { key: `wbk_live_${'a'.repeat(38)}`, name: 'ours, broken', permissions: ['read'] },
      { key: secret, name: 'good', permissions: ['read'], expires_at: new Date(domain.clock.now() + 3_600_000).toISOString() },
      { key: capi(), name: 'good', permissions: ['read'] },
      'x'.repeat(MAX_IMPORT_LINE_BYTES + 1),
      '   ',
    );
    const { results } = await importInto(domain, ws.workspace.id, input);
    expect(results.map((r) => [r.line, r.result, r.reason])).toEqual([
      [1, 'failed', 'is not valid JSON'],
      [2, 'failed', 'must be a JSON object'],
      [3, 'failed', 'needs exactly one of hash (the SHA-256 of the key) and key (its plaintext)'],
      [4, 'failed', 'needs exactly one of hash (the SHA-256 of the key) and key (its plaintext)'],
      [5, 'failed', 'key must be at least 16 characters (import a shorter key by its hash)'],
      [6, 'failed', "hash must be the key's SHA-256, as 64 hexadecimal characters"],
      [7, 'failed', 'permissions has an unknown scope "read:secrets"'],
      [8, 'failed', 'permissions may hold admin:operator only in a workspace on the Admin plan'],
      [9, 'failed', 'rate_limit_tier unmetered is only available on enterprise plans'],
      [10, 'failed', 'key starts with wbk_live_ but is not a key of this server (its length or checksum is wrong), so it could never authenticate'],
      [11, 'imported', undefined],
      [12, 'failed', 'An active API key named "good" already exists in this workspace'],
      [13, 'failed', `is ${MAX_IMPORT_LINE_BYTES + 1} bytes; a line may be at most ${MAX_IMPORT_LINE_BYTES}`],
    ]);
    expect(JSON.stringify(results)).not.toContain(secret);
  });

  test('refuses a key another workspace holds, and a workspace that does not exist', async ({ domain }) => {
    const mine = await domain.workspace();
    const theirs = await domain.workspace();
    const shared = capi();
    expect((await importInto(domain, theirs.workspace.id, lines({ key: shared, name: 'theirs', permissions: ['read'] }))).results[0]!.result).toBe('imported');
    const { results, announced } = await importInto(domain, mine.workspace.id, lines({ key: shared, name: 'mine', permissions: ['read'] }));
    expect(results).toEqual([{ line: 1, result: 'failed', reason: 'this key belongs to another workspace' }]);
    expect(announced).toEqual([]);
    const held = await domain.db
      .select({ ws: apiKeys.workspaceId })
      .from(apiKeys)
      .where(eq(apiKeys.keyHash, hashSecret(shared)));
    expect(held).toEqual([{ ws: theirs.workspace.id }]);
    await expect(importInto(domain, 'ws_01JAAAAAAAAAAAAAAAAAAAAAAA', lines({ key: capi(), name: 'x', permissions: ['read'] }))).rejects.toMatchObject({
      code: 'not_found',
      message: 'Workspace not found',
    });
  });
});
