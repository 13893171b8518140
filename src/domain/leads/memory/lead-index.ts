/**
 * The lead search index: each kind's filter columns in memory, so that counting a million rows
 * or finding the next page of a broad filter costs bitmap work instead of a scan of the table.
 *
 * It is a cache and never the source of truth. A kind's index is used only while its version
 * equals the kind's row in lead_versions, which triggers raise in the same transaction as any
 * change to the kind's rows (read once per request); otherwise the request is answered by SQL
 * alone and the index reloads in the background. The rows a search returns are read from the
 * table by id, in the statement that reads the version.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Db, oncePerDatabase, selectRows } from '../../../db/client.js';
import { leadVersions } from '../../../db/schema.js';
import type { LeadFilters, LeadKind } from '../inputs.js';
import { LEAD_ID_PREFIX, LEAD_KINDS_DEF } from '../kinds.js';
import { parseTsQuery, readTsVector, type TsQueryNode } from '../tsquery.js';
import { INDEX_FIELDS, type Step, type TextQuery, translate } from './fields.js';
import { KindIndex } from './kind-index.js';
import type { Bits } from './row-sets.js';

/** Rows read per statement while loading: each statement stays short, so other queries interleave (the embedded database runs one at a time). */
const LOAD_BATCH = 20_000;
/** After a load that a concurrent change made out of date, wait this long before the next (an import changes rows batch after batch). */
const RELOAD_PAUSE_MS = 5_000;
const PARSED_QUERIES = 10_000;
/**
 * Bytes of answers kept per kind index: a caller paging through a search, or counting before it,
 * asks the same filters again, and the answer for an index version never changes. 16 MB is 128
 * answers at a million rows.
 */
const ANSWER_CACHE_BYTES = 16 * 1024 * 1024;

type LoadedRow = { id: string } & Record<string, unknown>;
/** A keyword query's key among the parsed ones. */
const queryKey = (q: TextQuery) => `${q.fn}\u0000${q.text}`;
/** Rows near a radius's edge checked by SQL at once; more (many places on the very edge) and SQL answers the whole query. */
const MAX_BORDERLINE = 1_000;
/** A lead id as the index stores them. */
const LEAD_ID = new RegExp(`^(${Object.values(LEAD_ID_PREFIX).join('|')})_[a-z2-7]{20}$`);

export interface LeadIndex {
  /** How many rows match, or undefined when the index cannot answer now (SQL then does). */
  count<K extends LeadKind>(kind: K, filters: LeadFilters[K] | undefined): Promise<number | undefined>;
  /**
   * The ids of up to `limit` matching rows after `afterId`, in id order, from the index as it is
   * (its version is not read here: the caller reads the rows and the kind's version in one
   * statement, and uses them only when the versions agree), or undefined when there is no index.
   */
  page<K extends LeadKind>(kind: K, filters: LeadFilters[K] | undefined, afterId: string | null, limit: number): Promise<IndexedPage | undefined>;
  /** The caller found the kind's version moved on: load it again (in the background). */
  outdated(kind: LeadKind): void;
  /** Loads the kind now if its index is missing or out of date; true once it is current. */
  ready(kind: LeadKind): Promise<boolean>;
  /** Stops loading (the app is closing its database): a load under way ends quietly, and none starts. */
  close(): void;
}

/** A query's matching rows for one index version: shared by every request that asks it, so never changed once made. */
interface Answer {
  rows: Bits;
  total: number;
}

export interface IndexedPage {
  ids: string[];
  /** The kind's version the ids are true for. */
  version: number;
}

/** The version query, built once per database: every count and search asks it. */
const versionQuery = oncePerDatabase((db, _: undefined) =>
  db
    .select({ version: leadVersions.version })
    .from(leadVersions)
    .where(eq(leadVersions.kind, sql.placeholder('kind')))
    .prepare('lead_version'),
);

/** A kind's current version in lead_versions. */
export async function leadVersion(db: Db, kind: LeadKind): Promise<number> {
  const [row] = await versionQuery(db, undefined).execute({ kind });
  // No row: NaN, equal to no version, so nothing is taken as current.
  return row ? Number(row.version) : Number.NaN;
}

export interface LeadIndexOptions {
  /** Off: every request is answered by SQL alone. */
  enabled?: boolean;
  log?: (message: string, facts: Record<string, unknown>) => void;
  /** For a load that failed (the database went away, say). */
  onError?: (err: unknown) => void;
}

export function createLeadIndex(db: Db, opts: LeadIndexOptions = {}): LeadIndex {
  if (opts.enabled === false) {
    return { count: async () => undefined, page: async () => undefined, outdated: () => {}, ready: async () => false, close: () => {} };
  }
  const current = new Map<LeadKind, KindIndex>();
  const loading = new Map<LeadKind, Promise<KindIndex | null>>();
  const pausedUntil = new Map<LeadKind, number>();
  const parsed = new Map<string, TsQueryNode | null>();
  /** The version at which a kind's rows could not be indexed (an id of another shape or order): not tried again until it changes. */
  const unusable = new Map<LeadKind, number>();
  /** Each index's recent answers by their steps, oldest first; dropped with the index. */
  const answers = new WeakMap<KindIndex, Map<string, Answer>>();
  let closed = false;

  function cachedAnswer(index: KindIndex, key: string): Answer | undefined {
    const cache = answers.get(index);
    const hit = cache?.get(key);
    if (hit) {
      // Most recently used last: the first entry is the one to drop.
      cache!.delete(key);
      cache!.set(key, hit);
    }
    return hit;
  }

  function keepAnswer(index: KindIndex, key: string, answer: Answer): void {
    let cache = answers.get(index);
    if (!cache) answers.set(index, (cache = new Map()));
    const room = Math.max(1, Math.floor(ANSWER_CACHE_BYTES / Math.max(1, answer.rows.words.byteLength)));
    while (cache.size >= room) cache.delete(cache.keys().next().value!);
    cache.set(key, answer);
  }

  const versionOf = (kind: LeadKind) => leadVersion(db, kind);

  async function load(kind: LeadKind): Promise<KindIndex | null> {
    const started = performance.now();
    const def = LEAD_KINDS_DEF[kind];
    const table = def.table;
    const fields = INDEX_FIELDS[kind];
    const version = await versionOf(kind);
    // No version row: changes could not be noticed, so no index.
    if (Number.isNaN(version)) return null;
    const builder = KindIndex.builder(version, fields);
    // Plain rows, not drizzle's mapping: a million rows of it costs seconds.
    const columns = sql.join(
      Object.entries(fields).map(([name, spec]) => sql`${spec.sql} as ${sql.identifier(name)}`),
      sql`, `,
    );
    let after: string | null = null;
    for (;;) {
      const rows: LoadedRow[] = await selectRows<LoadedRow>(
        db,
        sql`select ${table.id} as id, ${columns} from ${table} ${after === null ? sql`` : sql`where ${table.id} > ${after}`} order by ${table.id} limit ${LOAD_BATCH}`,
      );
      for (const r of rows) builder.add(r.id, r, readTsVector);
      if (closed) return null;
      if (rows.length < LOAD_BATCH) break;
      after = rows[rows.length - 1]!.id;
    }
    // A change committed while we read raised the version: what was read may mix before and after.
    if ((await versionOf(kind)) !== version) return null;
    if (!builder.usable) {
      unusable.set(kind, version);
      opts.log?.('lead search index: not used for this kind (ids of another shape or order); searches use SQL', { kind, version });
      return null;
    }
    const building = performance.now();
    const index = await builder.build();
    const now = performance.now();
    // buildMs: making the index from what was read (other work runs between its columns).
    opts.log?.('lead search index loaded', { kind, rows: index.size, version, ms: Math.round(now - started), buildMs: Math.round(now - building) });
    return index;
  }

  function startLoad(kind: LeadKind): Promise<KindIndex | null> {
    let p = loading.get(kind);
    if (p) return p;
    if (closed) return Promise.resolve(null);
    p = load(kind)
      .then((index) => {
        if (index) current.set(kind, index);
        else pausedUntil.set(kind, Date.now() + RELOAD_PAUSE_MS);
        return index;
      })
      .catch((err: unknown) => {
        pausedUntil.set(kind, Date.now() + RELOAD_PAUSE_MS);
        // Once closing, a failed read is the database going away on purpose.
        if (!closed) opts.onError?.(err);
        return null;
      })
      .finally(() => loading.delete(kind));
    loading.set(kind, p);
    return p;
  }

  /** The kind's index if it holds the table's current rows; else starts bringing it up to date and says so with undefined. */
  async function usable(kind: LeadKind): Promise<KindIndex | undefined> {
    const version = await versionOf(kind);
    const index = current.get(kind);
    if (index && index.version === version) return index;
    if ((pausedUntil.get(kind) ?? 0) <= Date.now() && unusable.get(kind) !== version) void startLoad(kind);
    return undefined;
  }

  /** Work nobody waits for: its failure is reported, never left to reject unhandled. */
  function background(work: Promise<unknown>): void {
    work.catch((err: unknown) => {
      if (!closed) opts.onError?.(err);
    });
  }

  async function tsQueries(steps: readonly Step[]): Promise<Map<string, TsQueryNode | null>> {
    const wanted = steps.flatMap((s) => (s.type === 'words' ? s.queries : []));
    // This request's queries are kept here as they are found: the shared cache may be cleared meanwhile.
    const out = new Map<string, TsQueryNode | null>();
    for (const q of wanted) {
      const key = queryKey(q);
      let node = parsed.get(key);
      if (node === undefined) {
        // The database's own parser makes the query, exactly as the SQL condition does.
        const made = q.fn === 'websearch' ? sql`websearch_to_tsquery('simple', ${q.text})::text` : sql`phraseto_tsquery('simple', ${q.text})::text`;
        const [row] = await selectRows<{ q: string }>(db, sql`select ${made} as q`);
        node = parseTsQuery(row?.q ?? '');
        if (parsed.size >= PARSED_QUERIES) parsed.clear();
        parsed.set(key, node);
      }
      out.set(key, node);
    }
    return out;
  }

  /** The matching rows, or undefined when the index cannot answer (`checked`: only an index of the kind's current version). */
  async function matching(
    kind: LeadKind,
    filters: Record<string, unknown> | undefined,
    checked: boolean,
  ): Promise<{ index: KindIndex; answer: Answer } | undefined> {
    const steps = translate(kind, filters);
    if (!steps) return undefined;
    const index = checked ? await usable(kind) : current.get(kind);
    if (!index) {
      if (!checked) background(usable(kind));
      return undefined;
    }
    // JSON would write every non-finite number as null: spelled out, two different steps never share a key.
    const key = JSON.stringify(steps, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    const known = cachedAnswer(index, key);
    if (known) return { index, answer: known };
    let nodes: Map<string, TsQueryNode | null>;
    try {
      nodes = await tsQueries(steps);
    } catch (err) {
      // A query text this module cannot read is SQL's to answer; a database failure is the caller's.
      if (err instanceof Error && err.message.startsWith('tsquery text')) return undefined;
      throw err;
    }
    const evaluation = index.evaluate(steps, (step) => step.queries.map((q) => nodes.get(queryKey(q)) ?? null));
    if (!evaluation) return undefined;
    if (evaluation.borderline.length > MAX_BORDERLINE) return undefined;
    if (evaluation.borderline.length) {
      const table = LEAD_KINDS_DEF.local.table;
      const near = (filters as LeadFilters['local']).near;
      const ids = evaluation.borderline.map((row) => index.id(row));
      const inside = await db
        .select({ id: table.id })
        .from(table)
        .where(and(inArray(table.id, ids), ...LEAD_KINDS_DEF.local.conditions({ near })));
      const yes = new Set(inside.map((r) => r.id));
      for (const row of evaluation.borderline) if (yes.has(index.id(row))) evaluation.rows.add(row);
      // That check read the table later than the version did: only an unchanged table makes the two one answer.
      if ((await versionOf(kind)) !== index.version) return undefined;
    }
    const answer: Answer = { rows: evaluation.rows, total: evaluation.rows.count() };
    keepAnswer(index, key, answer);
    return { index, answer };
  }

  return {
    async count(kind, filters) {
      const m = await matching(kind, filters as Record<string, unknown> | undefined, true);
      return m?.answer.total;
    },
    async page(kind, filters, afterId, limit) {
      // A cursor of another shape than the index's ids is compared by SQL's collation, not here.
      if (afterId !== null && !LEAD_ID.test(afterId)) return undefined;
      const m = await matching(kind, filters as Record<string, unknown> | undefined, false);
      if (!m) return undefined;
      const ids: string[] = [];
      const rows = m.answer.rows;
      for (let row = rows.next(afterId === null ? 0 : m.index.rowAfter(afterId)); row !== -1 && ids.length < limit; row = rows.next(row + 1)) {
        ids.push(m.index.id(row));
      }
      return { ids, version: m.index.version };
    },
    outdated(kind) {
      background(usable(kind));
    },
    close() {
      closed = true;
    },
    async ready(kind) {
      const version = await versionOf(kind);
      if (current.get(kind)?.version === version) return true;
      return (await startLoad(kind))?.version === version;
    },
  };
}
