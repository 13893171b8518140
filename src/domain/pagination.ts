import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, lt, or, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { errors } from './errors.js';
import { kindOfId, type IdKind } from './ids.js';
import { parseInput } from './validation.js';

/**
 * Every list on both surfaces pages here: one page query (a size and a cursor), one page result
 * (the rows, whether more follow, the next page's cursor) and one cursor format.
 *
 * A cursor is a row's position in its list: its values of the columns the list is sorted by,
 * the last of them unique. The next page is the rows beyond that position (keyset paging), so
 * rows added or removed between two requests never make a walk skip or repeat a row, as an
 * offset would, and a list sorted by other keys (a score, a name) pages the same way.
 */

export const MAX_PAGE_SIZE = 100;

/** What a cursor carries of a row: JSON's scalars (a timestamp as its ISO string). */
export type SortValue = string | number | boolean | null;

export interface SortKey<Row> {
  /**
   * The column or expression sorted by. Its values must not be null: a null compares to
   * nothing, so the row holding it would drop out of every page after the first.
   */
  column: SQLWrapper;
  order: 'asc' | 'desc';
  /** The row's value, as a cursor carries it. */
  of(row: Row): SortValue;
  /** What a cursor's value must be, parsed into what the column compares with (e.g. an ISO string into a Date). */
  parse: z.ZodType;
}

export interface PagedList<Row> {
  /** Carried in every cursor, so that one list refuses another's cursor. */
  name: string;
  /** The rows as a caller calls them, for messages: "API keys". */
  label: string;
  /** Rows per page when the caller does not say. */
  defaultLimit: number;
  /** Most significant first; the last one unique, so that every row has a position of its own. */
  sort: readonly SortKey<Row>[];
}

const lists = new Map<string, string>();

export function pagedList<Row>(list: PagedList<Row>): PagedList<Row> {
  if (lists.has(list.name)) throw new Error(`two paged lists are named ${list.name}`);
  if (!Number.isInteger(list.defaultLimit) || list.defaultLimit < 1 || list.defaultLimit > MAX_PAGE_SIZE) {
    throw new Error(`${list.name}: a default page size must be 1 to ${MAX_PAGE_SIZE}`);
  }
  lists.set(list.name, list.label);
  return list;
}

/** A list in id order, newest first: ULIDs sort by creation. Any row with the id is a position in it. */
export function newestFirst(list: Omit<PagedList<{ id: string }>, 'sort'> & { id: SQLWrapper; kind: IdKind }): PagedList<{ id: string }> {
  const { id, kind, ...rest } = list;
  const parse = z
    .string()
    .max(64)
    .refine((s) => kindOfId(s) === kind);
  return pagedList({ ...rest, sort: [{ column: id, order: 'desc', of: (row) => row.id, parse }] });
}

const SIZE = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;
/** Far above any cursor we hand out; bounds the work of refusing a forged one. */
const MAX_CURSOR_CHARS = 512;
const CURSOR = z.string({ error: 'must be a string' }).max(MAX_CURSOR_CHARS, { error: `must be at most ${MAX_CURSOR_CHARS} characters` });

/** What a caller asks of a list: a page size, and where the page starts. */
export const pageQuery = z.strictObject(
  {
    limit: z.number({ error: SIZE }).int({ error: SIZE }).min(1, { error: SIZE }).max(MAX_PAGE_SIZE, { error: SIZE }).optional(),
    /** The page after this position: a previous page's nextCursor. */
    cursor: CURSOR.nullish(),
    /** The page before this position (GraphQL's `before`). */
    before: CURSOR.nullish(),
    /** Take the page from the far end of the range (GraphQL's `last`): the rows nearest `before`, or the oldest. */
    fromEnd: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: 'must be an object' },
);

export type PageQuery = z.input<typeof pageQuery>;

/** A page of a list, in the list's order. */
export interface PageResult<T> {
  items: T[];
  /** More rows follow in the direction of the walk (before the first item, for a page taken from the end). */
  hasMore: boolean;
  /** Where the next page starts when there is one: pass it back as the cursor (fromEnd: as before). */
  nextCursor: string | null;
}

/** What query parameters a REST list takes, for the operation declarations. */
export function pageQueryDoc(list: Pick<PagedList<unknown>, 'defaultLimit'>): Record<string, string> {
  return {
    limit: `1 to ${MAX_PAGE_SIZE} (default ${list.defaultLimit})`,
    cursor: "next_cursor of the previous page, unchanged (an altered cursor, or another list's, is a validation_error)",
  };
}

const VERSION = 1;
const CHECK_BYTES = 6;

/**
 * Catches a cursor edited by hand or cut short in transit, so it is refused rather than read as
 * some other position. It is no secret and need not be: a cursor grants nothing, since every
 * list stays within what the caller may see, whatever position it starts from.
 */
const checksum = (payload: Buffer) => createHash('sha256').update(payload).digest().subarray(0, CHECK_BYTES);

/** The cursor of `row`'s position in `list`: base64url of `[version, list, sort values]` and a checksum. */
export function cursorOf<Row>(list: PagedList<Row>, row: Row): string {
  const payload = Buffer.from(JSON.stringify([VERSION, list.name, list.sort.map((k) => k.of(row))]));
  return Buffer.concat([payload, checksum(payload)]).toString('base64url');
}

const PASS_BACK = 'a cursor that a previous page of this list gave (next_cursor; in GraphQL endCursor), unchanged';
const WANTED = `must be ${PASS_BACK}`;

function readPayload(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  // Base64 has spellings that decode alike (the last character's spare bits): only ours is a cursor.
  if (bytes.length <= CHECK_BYTES || bytes.toString('base64url') !== cursor) return undefined;
  const payload = bytes.subarray(0, bytes.length - CHECK_BYTES);
  if (!checksum(payload).equals(bytes.subarray(bytes.length - CHECK_BYTES))) return undefined;
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The sort values a cursor holds, parsed for the list's columns; a validation_error naming `field` otherwise. */
function decodeCursor<Row>(list: PagedList<Row>, field: string, cursor: string): unknown[] {
  const payload = readPayload(cursor);
  if (!Array.isArray(payload) || payload.length !== 3 || payload[0] !== VERSION || typeof payload[1] !== 'string') {
    throw errors.validation(field, WANTED);
  }
  const [, name, values] = payload as [number, string, unknown];
  if (name !== list.name) {
    throw errors.validation(field, `is a cursor of ${lists.get(name) ?? 'another list'}, not of ${list.label}: pass ${PASS_BACK}`);
  }
  if (!Array.isArray(values) || values.length !== list.sort.length) throw errors.validation(field, WANTED);
  return list.sort.map((key, i) => {
    const parsed = key.parse.safeParse(values[i]);
    if (!parsed.success) throw errors.validation(field, WANTED);
    return parsed.data;
  });
}

/** A page query, checked and with its cursors decoded: what a list's query is built from. */
export interface PageRequest<Row> {
  list: PagedList<Row>;
  limit: number;
  after: unknown[] | null;
  before: unknown[] | null;
  fromEnd: boolean;
}

/** Checks a page query against `list`: size 1 to 100 (the list's default when absent), cursors of this list. */
export function readPage<Row>(list: PagedList<Row>, query: PageQuery = {}): PageRequest<Row> {
  const q = parseInput(pageQuery, query);
  return {
    list,
    limit: q.limit ?? list.defaultLimit,
    after: q.cursor == null ? null : decodeCursor(list, 'cursor', q.cursor),
    before: q.before == null ? null : decodeCursor(list, 'before', q.before),
    fromEnd: q.fromEnd ?? false,
  };
}

/**
 * Rows past `position` in the list's order (`forward`), or ahead of it: for sort keys (a, b)
 * and a position (x, y), `a > x or (a = x and b > y)`, each comparison turned for its key's order.
 */
function beyond<Row>(list: PagedList<Row>, position: unknown[], forward: boolean): SQL {
  const branches = list.sort.map((key, i) => {
    const past = (key.order === 'asc') === forward ? gt : lt;
    const ties = list.sort.slice(0, i).map((k, j) => eq(k.column, position[j]));
    return and(...ties, past(key.column, position[i]))!;
  });
  return branches.length === 1 ? branches[0]! : or(...branches)!;
}

export interface PageSql {
  /** Add to the list's own conditions (drizzle's `and` skips undefined). */
  where: SQL | undefined;
  orderBy: SQL[];
  /** One row more than the page, to learn whether another follows. */
  limit: number;
}

/**
 * Loads a page: `load` runs the list's query with `where` added to its conditions and the
 * given order and limit; the page is cut from what it returns.
 */
export async function loadPage<Listed, Row extends Listed>(page: PageRequest<Listed>, load: (sql: PageSql) => Promise<Row[]>): Promise<PageResult<Row>> {
  const { list, fromEnd } = page;
  const bounds = [page.after && beyond(list, page.after, true), page.before && beyond(list, page.before, false)].filter((c): c is SQL => !!c);
  const orderBy = list.sort.map((k) => ((k.order === 'desc') !== fromEnd ? desc(k.column) : asc(k.column)));
  const rows = await load({ where: bounds.length ? and(...bounds) : undefined, orderBy, limit: page.limit + 1 });
  const hasMore = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  if (fromEnd) items.reverse();
  const edge = fromEnd ? items[0] : items[items.length - 1];
  return { items, hasMore, nextCursor: hasMore && edge !== undefined ? cursorOf(list, edge) : null };
}

/** A page of `table`'s rows that meet `conditions`: loadPage for a list of one table. */
export function loadTablePage<T extends PgTable>(db: Db, table: T, conditions: (SQL | undefined)[], page: PageRequest<T['$inferSelect']>) {
  return loadPage(
    page,
    ({ where, orderBy, limit }): Promise<T['$inferSelect'][]> =>
      db
        .select()
        .from(table as PgTable)
        .where(and(...conditions, where))
        .orderBy(...orderBy)
        .limit(limit),
  );
}

/** The same page with its items turned into something else (the cursors stay those of the rows). */
export async function mapPage<A, B>(page: PageResult<A>, map: (items: A[]) => Promise<B[]> | B[]): Promise<PageResult<B>> {
  return { ...page, items: await map(page.items) };
}
