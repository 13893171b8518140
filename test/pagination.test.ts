import { createHash } from 'node:crypto';
import { and, desc, eq, ilike, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiKeys, operatorAudit, requestLogs, workspaces, type ApiKeyRow } from '../src/db/schema.js';
import { ApiError } from '../src/domain/errors.js';
import { apiKeyList } from '../src/domain/keys/lists.js';
import { requestLogList } from '../src/domain/logs/lists.js';
import { cursorOf, loadPage, pagedList, readPage, type PageQuery } from '../src/domain/pagination.js';
import { startServer, type Tenant, type TestServer } from './support/harness.js';
import * as ops from './support/operations.js';
import { OPERATOR_SURFACES, type OperatorSurface } from './support/operator-surfaces.js';
import { SURFACES, type Outcome, type Surface } from './support/surfaces.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

const KEY_ID = 'key_01JAAAAAAAAAAAAAAAAAAAAAAA';

function refusal(read: () => unknown): { code: string; message: string } {
  try {
    read();
  } catch (err) {
    if (err instanceof ApiError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('was not refused');
}

/** A cursor of our format with a valid checksum around any payload: what a forger who read the code would send. */
const forged = (payload: unknown) => {
  const bytes = Buffer.from(JSON.stringify(payload));
  return Buffer.concat([bytes, createHash('sha256').update(bytes).digest().subarray(0, 6)]).toString('base64url');
};

/** `cursor` with one character in its middle changed. */
function altered(cursor: string): string {
  const i = Math.floor(cursor.length / 2);
  return cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
}

const WANTED = 'must be a cursor that a previous page of this list gave (next_cursor; in GraphQL endCursor), unchanged';

describe('the page query and its cursors', () => {
  it("reads a page size within 1 to 100, the list's default when absent", () => {
    expect(readPage(apiKeyList).limit).toBe(20);
    expect(readPage(requestLogList).limit).toBe(50);
    expect(readPage(apiKeyList, { limit: 100 }).limit).toBe(100);
    for (const limit of [0, 101, 2.5, Number.NaN]) {
      expect(refusal(() => readPage(apiKeyList, { limit }))).toEqual({ code: 'validation_error', message: 'limit must be a whole number from 1 to 100' });
    }
  });

  it('gives back the position a cursor was made from', () => {
    const cursor = cursorOf(apiKeyList, { id: KEY_ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(KEY_ID);
    expect(readPage(apiKeyList, { cursor }).after).toEqual([KEY_ID]);
    expect(readPage(apiKeyList, { before: cursor, fromEnd: true })).toMatchObject({ before: [KEY_ID], after: null, fromEnd: true });
  });

  it('refuses a malformed, altered, forged or foreign cursor as a validation_error naming the field', () => {
    const cursor = cursorOf(apiKeyList, { id: KEY_ID });
    const refused = (q: PageQuery, field = 'cursor') =>
      expect(refusal(() => readPage(apiKeyList, q))).toEqual({ code: 'validation_error', message: `${field} ${WANTED}` });
    refused({ cursor: 'not a cursor' });
    refused({ cursor: KEY_ID });
    refused({ cursor: altered(cursor) });
    refused({ cursor: cursor.slice(0, -1) });
    refused({ cursor: `${cursor}A` });
    refused({ before: altered(cursor) }, 'before');
    // The checksum alone is no licence: the payload must be a position of this list.
    refused({ cursor: forged([2, 'api_keys', [KEY_ID]]) });
    refused({ cursor: forged([1, 'api_keys', [KEY_ID, 'extra']]) });
    refused({ cursor: forged([1, 'api_keys', ['ws_01JAAAAAAAAAAAAAAAAAAAAAAA']]) });
    refused({ cursor: forged({ id: KEY_ID }) });
    expect(refusal(() => readPage(apiKeyList, { cursor: cursorOf(requestLogList, { id: 'log_01JAAAAAAAAAAAAAAAAAAAAAAA' }) }))).toEqual({
      code: 'validation_error',
      message: `cursor is a cursor of request logs, not of API keys: pass ${WANTED.slice('must be '.length)}`,
    });
    expect(refusal(() => readPage(apiKeyList, { cursor: 'x'.repeat(513) })).message).toBe('cursor must be at most 512 characters');
  });
});

describe('a list sorted by a tuple of keys', () => {
  /** Keys by category, then newest first: positions that take two values to tell apart. */
  const byCategory = pagedList<ApiKeyRow>({
    name: 'test_keys_by_category',
    label: 'keys by category',
    defaultLimit: 3,
    sort: [
      { column: apiKeys.category, order: 'asc', of: (k) => k.category, parse: z.string() },
      { column: apiKeys.id, order: 'desc', of: (k) => k.id, parse: z.string() },
    ],
  });

  it('walks every row once, in order, forwards and from the end', async () => {
    const tenant = await t.tenant();
    const s = SURFACES[0][1](t);
    for (const [i, category] of ['b', 'a', 'c', 'a', 'b', 'a', 'c', 'b'].entries()) {
      expect((await s.createKey(tenant.key, { name: `k${i}`, permissions: ['read:contacts'], category })).status).toBe(201);
    }
    const { db } = t.database;
    const mine = and(eq(apiKeys.workspaceId, tenant.workspaceId), isNotNull(apiKeys.category));
    const all = await db.select().from(apiKeys).where(mine);
    const expected = all.sort((x, y) => x.category!.localeCompare(y.category!) || y.id.localeCompare(x.id)).map((k) => k.id);
    const page = (q: PageQuery) =>
      loadPage(readPage(byCategory, q), ({ where, orderBy, limit }) =>
        db
          .select()
          .from(apiKeys)
          .where(and(mine, where))
          .orderBy(...orderBy)
          .limit(limit),
      );

    const forwards: string[] = [];
    for (let cursor: string | null = null, n = 0; n < 10; n++) {
      const p = await page({ cursor });
      expect(p.items.length).toBeLessThanOrEqual(3);
      forwards.push(...p.items.map((k) => k.id));
      if (!p.hasMore) break;
      cursor = p.nextCursor;
    }
    expect(forwards).toEqual(expected);

    const backwards: string[] = [];
    for (let before: string | null = null, n = 0; n < 10; n++) {
      const p = await page({ before, fromEnd: true });
      backwards.unshift(...p.items.map((k) => k.id));
      if (!p.hasMore) break;
      before = p.nextCursor;
    }
    expect(backwards).toEqual(expected);
  });
});

interface Rows {
  items: { id: string }[];
  next: string | null;
}
type Fetch = (q: { first?: number; after?: string }) => Promise<Outcome<Rows>>;

/** One list as a test sees it: how to page it, what it must hold (read from the tables), and the same list of another workspace. */
interface ListUnderTest {
  fetch: Fetch;
  truth: () => Promise<string[]>;
  /** The same list in another workspace; absent where the list spans every workspace (the operator's). */
  theirs?: Fetch;
  /** A real cursor of some other list. */
  otherListCursor: () => Promise<string>;
}

async function walk(fetch: Fetch, first: number): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (let n = 0; n < 50; n++) {
    const page = await fetch({ first, after });
    expect(page.status, page.message).toBe(200);
    expect(page.data!.items.length).toBeLessThanOrEqual(first);
    seen.push(...page.data!.items.map((r) => r.id));
    if (!page.data!.next) return seen;
    after = page.data!.next;
  }
  throw new Error('never reached the last page');
}

const ids = async (rows: Promise<{ id: string }[]>) => (await rows).map((r) => r.id);

describe.each(SURFACES.map(([name, make], i) => [name, make, OPERATOR_SURFACES[i]![1]] as const))(
  'every list over %s',
  (surface, makeSurface, makeOperator) => {
    let s: Surface;
    let op: OperatorSurface;
    const field = surface === 'rest' ? 'cursor' : 'after';

    beforeAll(() => {
      s = makeSurface(t);
      op = makeOperator(t);
    });

    async function keysOf(tenant: Tenant, n: number) {
      for (let i = 0; i < n; i++) await s.createKey(tenant.key, { name: `key ${i}`, permissions: ['read:contacts'] });
    }

    /** A workspace whose worker key made `n` requests (`me`), and that key. */
    async function workerWith(n: number) {
      const tenant = await t.tenant();
      const worker = (await s.createKey(tenant.key, { name: 'worker', permissions: ['read:contacts'] })).data!;
      for (let i = 0; i < n; i++) expect((await s.me(worker.secret)).status).toBe(200);
      return { tenant, worker };
    }

    const workerLogs = (keyId: string) =>
      ids(
        t.database.db
          .select({ id: requestLogs.id })
          .from(requestLogs)
          .where(and(eq(requestLogs.keyId, keyId), eq(requestLogs.endpoint, s.meEndpoint)))
          .orderBy(desc(requestLogs.id)),
      );

    async function keyCursor(): Promise<string> {
      const tenant = await t.tenant();
      await keysOf(tenant, 2);
      return (await s.listKeys(tenant.key, { first: 1 })).data!.next!;
    }

    const LISTS: Record<string, () => Promise<ListUnderTest>> = {
      'API keys': async () => {
        const [mine, theirs] = [await t.tenant(), await t.tenant()];
        await keysOf(mine, 7);
        await keysOf(theirs, 4);
        const logs = await workerWith(2);
        return {
          fetch: (q) => s.listKeys(mine.key, q),
          theirs: (q) => s.listKeys(theirs.key, q),
          truth: () => ids(t.database.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.workspaceId, mine.workspaceId)).orderBy(desc(apiKeys.id))),
          otherListCursor: async () => (await s.logs(logs.tenant.key, { first: 1 })).data!.next!,
        };
      },
      'request logs': async () => {
        const [mine, theirs] = [await workerWith(7), await workerWith(3)];
        const q = (w: typeof mine, p: { first?: number; after?: string }) => ({ ...p, apiKeyId: w.worker.id, endpoint: s.meEndpoint });
        return {
          fetch: (p) => s.logs(mine.tenant.key, q(mine, p)),
          theirs: (p) => s.logs(theirs.tenant.key, q(theirs, p)),
          truth: () => workerLogs(mine.worker.id),
          otherListCursor: keyCursor,
        };
      },
      "one key's request logs": async () => {
        const [mine, theirs] = [await workerWith(7), await workerWith(3)];
        return {
          fetch: (p) => s.logs(mine.tenant.key, { ...p, endpoint: s.meEndpoint }, mine.worker.id),
          theirs: (p) => s.logs(theirs.tenant.key, { ...p, endpoint: s.meEndpoint }, theirs.worker.id),
          truth: () => workerLogs(mine.worker.id),
          otherListCursor: keyCursor,
        };
      },
      'own request logs': async () => {
        const [mine, theirs] = [await workerWith(7), await workerWith(3)];
        return {
          fetch: (p) => s.ownLogs(mine.worker.secret, { ...p, endpoint: s.meEndpoint }),
          theirs: (p) => s.ownLogs(theirs.worker.secret, { ...p, endpoint: s.meEndpoint }),
          truth: () => workerLogs(mine.worker.id),
          otherListCursor: keyCursor,
        };
      },
      'operator workspaces': async () => {
        const operator = await t.tenant({ plan: 'admin', name: 'Operators' });
        const prefix = `Paging ${surface} ${Math.random().toString(36).slice(2)}`;
        for (let i = 0; i < 7; i++) await t.tenant({ name: `${prefix} ${i}` });
        const truth = () =>
          ids(
            t.database.db
              .select({ id: workspaces.id })
              .from(workspaces)
              .where(ilike(workspaces.name, `${prefix}%`))
              .orderBy(desc(workspaces.id)),
          );
        return { fetch: (p) => op.list(operator.key, { ...p, name: prefix }), truth, otherListCursor: keyCursor };
      },
      'operator audit': async () => {
        const operator = await t.tenant({ plan: 'admin', name: 'Operators' });
        const [mine, theirs] = [await t.tenant(), await t.tenant()];
        for (let i = 1; i <= 7; i++) expect((await op.addCredits(operator.key, mine.workspaceId, i)).status).toBe(200);
        for (let i = 1; i <= 3; i++) expect((await op.addCredits(operator.key, theirs.workspaceId, i)).status).toBe(200);
        const truth = (ws: string): Promise<string[]> =>
          ids(t.database.db.select({ id: operatorAudit.id }).from(operatorAudit).where(eq(operatorAudit.workspaceId, ws)).orderBy(desc(operatorAudit.id)));
        return {
          fetch: (p) => op.audit(operator.key, mine.workspaceId, p),
          theirs: (p) => op.audit(operator.key, theirs.workspaceId, p),
          truth: () => truth(mine.workspaceId),
          otherListCursor: keyCursor,
        };
      },
    };

    describe.each(Object.keys(LISTS))('%s', (name) => {
      let list: ListUnderTest;
      beforeAll(async () => {
        list = await LISTS[name]!();
      });

      it('walks every row once, in order, whatever the page size', async () => {
        const truth = await list.truth();
        expect(truth.length).toBeGreaterThanOrEqual(7);
        for (const first of [1, 3, 100]) expect(await walk(list.fetch, first)).toEqual(truth);
      });

      it(`refuses a malformed, altered or other list's cursor with a validation_error naming ${field}`, async () => {
        const real = (await list.fetch({ first: 2 })).data!.next!;
        expect(real).toBeTruthy();
        for (const after of ['garbage', altered(real), real.slice(0, -2), forged([2, 'x', []])]) {
          const r = await list.fetch({ first: 2, after });
          expect(r).toMatchObject({ status: 400, code: 'validation_error', message: `${field} ${WANTED}` });
        }
        const other = await list.fetch({ first: 2, after: await list.otherListCursor() });
        expect(other).toMatchObject({ status: 400, code: 'validation_error' });
        expect(other.message).toMatch(new RegExp(`^${field} is a cursor of [a-zA-Z ]+, not of `));
      });

      // The operator's list of workspaces spans every workspace: it has no other workspace's list.
      it.runIf(name !== 'operator workspaces')("returns none of another workspace's rows for that workspace's cursor", async () => {
        const truth = new Set(await list.truth());
        const cursor = (await list.theirs!({ first: 1 })).data!.next!;
        expect(cursor).toBeTruthy();
        const page = await list.fetch({ first: 100, after: cursor });
        expect(page.status).toBe(200);
        for (const row of page.data!.items) expect(truth.has(row.id)).toBe(true);
      });
    });

    it('refuses page sizes outside 1 to 100, naming the argument as sent', async () => {
      const tenant = await t.tenant();
      const size = surface === 'rest' ? 'limit' : 'first';
      for (const first of [0, 101]) {
        expect(await s.listKeys(tenant.key, { first })).toMatchObject({
          status: 400,
          code: 'validation_error',
          message: `${size} must be a whole number from 1 to 100`,
        });
      }
    });
  },
);

describe('GraphQL connections beyond first and after', () => {
  it('walk back with last and before, every edge cursor a cursor of the list', async () => {
    const tenant = await t.tenant();
    const s = SURFACES[1][1](t);
    for (let i = 0; i < 6; i++) await s.createKey(tenant.key, { name: `k${i}`, permissions: ['read:contacts'] });
    const truth = await ids(
      t.database.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.workspaceId, tenant.workspaceId)).orderBy(desc(apiKeys.id)),
    );

    const seen: string[] = [];
    let before: string | undefined;
    for (let n = 0; n < 10; n++) {
      const r = await t.gql(ops.KeysFromEnd, { last: 3, before }, { key: tenant.key });
      expect(r.body.errors).toBeUndefined();
      const c = r.body.data!.apiKeys;
      seen.unshift(...c.edges.map((e) => e.node.id));
      expect(c.pageInfo.startCursor).toBe(c.edges[0]!.cursor);
      expect(c.pageInfo.hasNextPage).toBe(before !== undefined);
      if (!c.pageInfo.hasPreviousPage) break;
      before = c.pageInfo.startCursor!;
    }
    expect(seen).toEqual(truth);

    // An edge's cursor is a position like any other: the page after the third key starts at the fourth.
    const first = await t.gql(ops.KeysFromEnd, { first: 3 }, { key: tenant.key });
    const third = first.body.data!.apiKeys.edges[2]!.cursor;
    const next = await t.gql(ops.KeysFromEnd, { first: 1, after: third }, { key: tenant.key });
    expect(next.body.data!.apiKeys.edges.map((e) => e.node.id)).toEqual([truth[3]]);

    const both = await t.gql(ops.KeysFromEnd, { first: 1, last: 1 }, { key: tenant.key });
    expect(both.body.errors?.[0]).toMatchObject({
      message: 'last cannot be given with first: ask for first (and after) or last (and before)',
      extensions: { code: 'validation_error' },
    });
    const badBefore = await t.gql(ops.KeysFromEnd, { last: 1, before: altered(third) }, { key: tenant.key });
    expect(badBefore.body.errors?.[0]?.message).toBe(`before ${WANTED}`);
    const badLast = await t.gql(ops.KeysFromEnd, { last: 500 }, { key: tenant.key });
    expect(badLast.body.errors?.[0]?.message).toBe('last must be a whole number from 1 to 100');
  });

  it("counts a connection's default page size in the query cost", async () => {
    const tenant = await t.tenant();
    const cost = async (query: string) => {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.key}` },
        body: JSON.stringify({ query }),
      });
      return ((await res.json()) as { extensions?: { cost?: unknown } }).extensions?.cost;
    };
    expect(await cost('{ apiKeys { edges { node { id } } } }')).toEqual({ nodes: apiKeyList.defaultLimit, points: 1 });
    expect(await cost('{ requestLogs { edges { node { id } } } }')).toEqual({ nodes: requestLogList.defaultLimit, points: 1 });
    expect(await cost('{ apiKeys { edges { node { requestLogs { edges { node { id } } } } } } }')).toEqual({
      nodes: apiKeyList.defaultLimit * (1 + requestLogList.defaultLimit),
      points: Math.ceil((apiKeyList.defaultLimit * (1 + requestLogList.defaultLimit)) / 100),
    });
  });
});
