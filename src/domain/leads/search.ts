import { and, asc, count, eq, inArray, type Placeholder, sql } from 'drizzle-orm';
import { type Db, namedStatement, oncePerDatabase, selectRows } from '../../db/client.js';
import { leadUnlocks, leadVersions } from '../../db/schema.js';
import { requireScope, type ServiceContext } from '../context.js';
import { paidInStatement, payInStatement, withCreditsInStatement } from '../credits.js';
import { cursorOf, loadPage, type PageSql, readPage } from '../pagination.js';
import { parseInput } from '../validation.js';
import { COUNT_INPUTS, type CountInput, type LeadFilters, type LeadKind, SEARCH_INPUTS, type SearchInput } from './inputs.js';
import { LEAD_KINDS_DEF, type LeadOf } from './kinds.js';
import { leadVersion } from './memory/lead-index.js';

export const LEADS_SCOPE = 'read:leads';

/** A row of a search: the lead, and whether this request paid for it (false: the workspace had unlocked it before). */
export type SearchedLead<K extends LeadKind> = LeadOf[K] & { charged: boolean };

export interface LeadSearchResult<K extends LeadKind> {
  items: SearchedLead<K>[];
  hasMore: boolean;
  nextCursor: string | null;
  creditsUsed: number;
}

type AnyFilters = LeadFilters[LeadKind];

function conditionsOf<K extends LeadKind>(kind: K, filters: AnyFilters | undefined) {
  const def = LEAD_KINDS_DEF[kind];
  return (def.conditions as (f: AnyFilters) => ReturnType<typeof def.conditions>)(filters ?? {});
}

/**
 * How many leads match, unlocking none and costing nothing: what a caller checks before a search.
 * Needs read:leads.
 */
export async function countLeads<K extends LeadKind>(ctx: ServiceContext, kind: K, raw: CountInput<K> | unknown): Promise<{ total: number }> {
  requireScope(ctx, LEADS_SCOPE);
  const input = parseInput(COUNT_INPUTS[kind], raw ?? {}) as { filters?: AnyFilters };
  const indexed = await ctx.leadIndex.count(kind, input.filters as LeadFilters[K] | undefined);
  if (indexed !== undefined) return { total: indexed };
  const [row] = await countQuery(ctx.db, kind, input.filters);
  return { total: row?.total ?? 0 };
}

/** The query a count runs (the benchmark explains exactly this one). */
export function countQuery(db: Db, kind: LeadKind, filters: AnyFilters | undefined) {
  return db
    .select({ total: count() })
    .from(LEAD_KINDS_DEF[kind].table)
    .where(and(...conditionsOf(kind, filters)));
}

/** A page's columns: the lead, whether `workspaceId` unlocked it before, and the kind's version as of this statement. */
function pageSelect(db: Db, kind: LeadKind, workspaceId: string | Placeholder) {
  const def = LEAD_KINDS_DEF[kind];
  const table = def.table;
  return db
    .select({
      ...def.columns,
      unlocked: sql<boolean>`(${leadUnlocks.leadId} is not null)`,
      kindVersion: sql<string>`(select ${leadVersions.version} from ${leadVersions} where ${leadVersions.kind} = ${kind})`,
    })
    .from(table)
    .leftJoin(leadUnlocks, and(eq(leadUnlocks.workspaceId, workspaceId), eq(leadUnlocks.leadId, table.id)));
}

/** The query that loads one page of a search by its filters, SQL alone (the benchmark explains exactly this one). */
export function pageQuery<K extends LeadKind>(db: Db, kind: K, filters: AnyFilters | undefined, workspaceId: string, { where, orderBy, limit }: PageSql) {
  return pageSelect(db, kind, workspaceId)
    .where(and(...conditionsOf(kind, filters), where))
    .orderBy(...orderBy)
    .limit(limit);
}

/**
 * The query that reads the search index's page: just those rows, by primary key, in id order.
 * They are the filters' page only if the version read with them is the index's, which the
 * caller checks. (Repeating the filters here cost the embedded database 40% more time per
 * search.) The ids travel as one JSON array parameter, so the statement's text never changes.
 */
export function pageByIdsQuery(db: Db, kind: LeadKind, workspaceId: string | Placeholder, ids: string | Placeholder) {
  const table = LEAD_KINDS_DEF[kind].table;
  return pageSelect(db, kind, workspaceId).where(sql`${table.id} = any(array(select json_array_elements_text(${ids}::json)))`).orderBy(asc(table.id));
}

/** pageByIdsQuery built once per database and kind: building drizzle's query took a tenth of a search's time. */
const pageByIds = oncePerDatabase((db, kind: LeadKind) =>
  pageByIdsQuery(db, kind, sql.placeholder('workspaceId'), sql.placeholder('ids')).prepare(`lead_page_by_ids_${kind}`),
);

function readPageByIds(db: Db, kind: LeadKind, workspaceId: string, ids: readonly string[]) {
  return pageByIds(db, kind).execute({ workspaceId, ids: JSON.stringify(ids) });
}

/**
 * One page of leads matching the filters, in id order. Each row costs 1 credit unless the
 * workspace unlocked it before; the rows are unlocked and paid for in one statement before
 * they are returned, so a search the balance cannot cover returns nothing and costs nothing
 * (402), and concurrent searches never charge a row twice. `maxCredits` stops the page before
 * the row that would spend more. Needs read:leads.
 */
export async function searchLeads<K extends LeadKind>(ctx: ServiceContext, kind: K, raw: SearchInput<K> | unknown): Promise<LeadSearchResult<K>> {
  requireScope(ctx, LEADS_SCOPE);
  const input = parseInput(SEARCH_INPUTS[kind], raw ?? {}) as { filters?: AnyFilters; limit?: number; cursor?: string | null; maxCredits?: number };
  const def = LEAD_KINDS_DEF[kind];
  const page = readPage(def.list, { limit: input.limit, cursor: input.cursor });
  const workspaceId = ctx.principal.workspaceId;
  // The index pages forwards only; a page read backwards (GraphQL's `before`) is SQL's.
  const indexed =
    page.before || page.fromEnd
      ? undefined
      : await ctx.leadIndex.page(kind, input.filters as LeadFilters[K] | undefined, page.after ? String(page.after[0]) : null, page.limit + 1);

  // No transaction: the page is one statement, and unlocking and paying for its new rows another,
  // which pays for exactly the rows it unlocks or fails whole (402, nothing unlocked or charged).
  const { value, creditsUsed } = await withCreditsInStatement(ctx, async (paid) => {
    const loaded = await loadPage(page, async (paging) => {
      if (indexed) {
        const rows = indexed.ids.length ? await readPageByIds(ctx.db, kind, workspaceId, indexed.ids) : [];
        // Rows and version come from one statement's snapshot: equal versions mean the index's rows are the table's.
        const first = rows[0];
        const version = first ? (first.kindVersion === null ? Number.NaN : Number(first.kindVersion)) : await leadVersion(ctx.db, kind);
        if (version === indexed.version) return rows;
        ctx.leadIndex.outdated(kind);
      }
      return pageQuery(ctx.db, kind, input.filters, workspaceId, paging);
    });
    let { items, hasMore, nextCursor } = loaded;
    if (input.maxCredits !== undefined) {
      let fresh = 0;
      const cut = items.findIndex((row) => !row.unlocked && ++fresh > input.maxCredits!);
      if (cut !== -1) {
        items = items.slice(0, cut);
        hasMore = true;
        nextCursor = items.length ? cursorOf(def.list, items[items.length - 1]!) : (input.cursor ?? null);
      }
    }
    const wanted = items.filter((r) => !r.unlocked).map((r) => r.id);
    let charged = new Set<string>();
    if (wanted.length) {
      charged = await unlockAndCharge(ctx.db, workspaceId, wanted, new Date(ctx.clock.now()));
      paid(charged.size);
    }
    return {
      items: items.map(({ unlocked: _u, kindVersion: _v, ...lead }) => ({ ...lead, charged: charged.has(lead.id) }) as unknown as SearchedLead<K>),
      hasMore,
      nextCursor,
    };
  });
  return { ...value, creditsUsed };
}

/**
 * Unlocks `ids` for the workspace and pays for the ones it unlocked, in one statement (a search's
 * hottest): a lead a concurrent search unlocked first is that search's to pay for, so only the
 * rows this insert made are charged. Answers those rows; 402 when the balance cannot cover them,
 * and then the statement has unlocked nothing.
 */
export async function unlockAndCharge(db: Db, workspaceId: string, ids: readonly string[], now: Date): Promise<Set<string>> {
  const col = (c: { name: string }) => sql.identifier(c.name);
  const pay = payInStatement(workspaceId, sql`(select count(*) from made)`);
  const [row] = await paidInStatement(
    db,
    workspaceId,
    selectRows<{ made: string | null }>(
      db,
      namedStatement(
        'unlock_and_charge',
        // The ids as one JSON parameter: the statement's text is the same for every page.
        sql`with made as (
          insert into ${leadUnlocks} (${col(leadUnlocks.workspaceId)}, ${col(leadUnlocks.leadId)}, ${col(leadUnlocks.unlockedAt)})
          select ${workspaceId}, id, ${now.toISOString()}::timestamptz from json_array_elements_text(${JSON.stringify(ids)}::json) as id
          on conflict do nothing
          returning ${col(leadUnlocks.leadId)} as lead_id
        ), paid as (${pay.charge})
        select (select json_agg(lead_id) from made)::text as made, ${pay.settle('paid')} as owed`,
      ),
    ),
  );
  return new Set(row?.made ? (JSON.parse(row.made) as string[]) : []);
}

/** Which of `ids` the caller's workspace has unlocked (for callers that only need to know, e.g. saving leads to a list). */
export async function unlockedOf(ctx: ServiceContext, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await ctx.db
    .select({ id: leadUnlocks.leadId })
    .from(leadUnlocks)
    .where(and(eq(leadUnlocks.workspaceId, ctx.principal.workspaceId), inArray(leadUnlocks.leadId, [...ids])));
  return new Set(rows.map((r) => r.id));
}
