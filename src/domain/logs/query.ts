import { and, asc, count, desc, eq, gte, inArray, lt, max, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, selectRows } from '../../db/client.js';
import { apiKeys, requestLogs, type RequestLogRow } from '../../db/schema.js';
import { requireScope, type ServiceContext } from '../context.js';
import { errors } from '../errors.js';
import { DAY_MS, windowStart } from '../limits/policy.js';
import { loadTablePage, readPage, type PageQuery, type PageRequest, type PageResult } from '../pagination.js';
import { isoTimestamp, parseInput } from '../validation.js';
import { requestLogList } from './lists.js';

const LOGS_SCOPE = 'read:logs';

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

const logFilter = z.strictObject({
  apiKeyId: z.string().max(64).optional(),
  status: z
    .number({ error: 'must be an HTTP status code' })
    .int()
    .min(100, { error: 'must be an HTTP status code' })
    .max(599, { error: 'must be an HTTP status code' })
    .optional(),
  statusClass: z.enum(STATUS_CLASSES, { error: 'must be one of 2xx, 3xx, 4xx, 5xx' }).optional(),
  endpoint: z.string().max(200).optional(),
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
});

export type LogFilterInput = z.input<typeof logFilter>;

/** The key must be the caller's workspace's: another workspace's id is not_found, never an empty list. */
async function assertOwnKey(ctx: ServiceContext, keyId: string): Promise<void> {
  const [row] = await ctx.db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.workspaceId, ctx.principal.workspaceId)));
  if (!row) throw errors.notFound('API key');
}

function conditions(ctx: ServiceContext, f: z.output<typeof logFilter>): SQL[] {
  const c: SQL[] = [eq(requestLogs.workspaceId, ctx.principal.workspaceId)];
  if (f.apiKeyId) c.push(eq(requestLogs.keyId, f.apiKeyId));
  if (f.status !== undefined) c.push(eq(requestLogs.status, f.status));
  if (f.statusClass) {
    const base = Number(f.statusClass[0]) * 100;
    c.push(gte(requestLogs.status, base), lt(requestLogs.status, base + 100));
  }
  // "POST /v1/api-keys", or a GraphQL operation such as "mutation createApiKey".
  if (f.endpoint) c.push(eq(requestLogs.endpoint, f.endpoint));
  if (f.from) c.push(gte(requestLogs.at, f.from));
  if (f.to) c.push(lt(requestLogs.at, f.to));
  return c;
}

/** Newest first. Needs read:logs. */
export async function listRequestLogs(ctx: ServiceContext, rawFilter: LogFilterInput, query: PageQuery): Promise<PageResult<RequestLogRow>> {
  requireScope(ctx, LOGS_SCOPE);
  const f = parseInput(logFilter, rawFilter);
  const page = readPage(requestLogList, query);
  if (f.apiKeyId) await assertOwnKey(ctx, f.apiKeyId);
  return pageOfLogs(ctx, f, page);
}

const ownLogFilter = logFilter.omit({ apiKeyId: true });
export type OwnLogFilterInput = z.input<typeof ownLogFilter>;

/**
 * The calling key's own requests, as listRequestLogs pages them. Needs no scope: any key may
 * see what it did itself (a read-only CI key included), never another key's requests.
 */
export async function listOwnRequestLogs(ctx: ServiceContext, rawFilter: OwnLogFilterInput, query: PageQuery): Promise<PageResult<RequestLogRow>> {
  const f = parseInput(ownLogFilter, rawFilter);
  return pageOfLogs(ctx, { ...f, apiKeyId: ctx.principal.keyId }, readPage(requestLogList, query));
}

async function pageOfLogs(ctx: ServiceContext, f: z.output<typeof logFilter>, page: PageRequest<RequestLogRow>): Promise<PageResult<RequestLogRow>> {
  await ctx.flushLogs();
  return loadTablePage(ctx.db, requestLogs, conditions(ctx, f), page);
}

/** Logs by id (Relay's node). Without read:logs, a key may load its own requests only. */
export async function getRequestLogsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Map<string, RequestLogRow>> {
  const all = ctx.principal.permissionSet.has(LOGS_SCOPE);
  const c = [eq(requestLogs.workspaceId, ctx.principal.workspaceId), inArray(requestLogs.id, [...ids])];
  if (!all) c.push(eq(requestLogs.keyId, ctx.principal.keyId));
  const rows = ids.length
    ? await ctx.db
        .select()
        .from(requestLogs)
        .where(and(...c))
    : [];
  // Anything else is refused as before, not reported missing: no key learns what it may not see.
  if (!all && rows.length < new Set(ids).size) requireScope(ctx, LOGS_SCOPE);
  return new Map(rows.map((r) => [r.id, r]));
}

export interface EndpointUsage {
  endpoint: string;
  calls: number;
  errors: number;
  errorRate: number;
}

export interface Usage {
  from: Date;
  to: Date;
  calls: number;
  errors: number;
  /** Share of calls answered 4xx or 5xx; 0 when there were none. */
  errorRate: number;
  creditsUsed: number;
  lastUsedAt: Date | null;
  endpoints: EndpointUsage[];
}

const usageWindow = z.strictObject({ from: isoTimestamp.optional(), to: isoTimestamp.optional() });

/**
 * Seed 002's "Monitoring usage": calls, calls per endpoint, error rate, last used. The window
 * defaults to today (UTC); counts are current to the request (pending logs are flushed first).
 */
export async function usage(ctx: ServiceContext, opts: { apiKeyId?: string; from?: unknown; to?: unknown }): Promise<Usage> {
  requireScope(ctx, LOGS_SCOPE);
  const w = parseInput(usageWindow, { from: opts.from, to: opts.to });
  if (opts.apiKeyId) await assertOwnKey(ctx, opts.apiKeyId);
  return usageOver(ctx, opts.apiKeyId, w);
}

/** The calling key's own usage, as `usage` reports one key's. Needs no scope, as listOwnRequestLogs. */
export function ownUsage(ctx: ServiceContext, opts: { from?: unknown; to?: unknown }): Promise<Usage> {
  return usageOver(ctx, ctx.principal.keyId, parseInput(usageWindow, { from: opts.from, to: opts.to }));
}

async function usageOver(ctx: ServiceContext, apiKeyId: string | undefined, w: z.output<typeof usageWindow>): Promise<Usage> {
  await ctx.flushLogs();
  const now = ctx.clock.now();
  const from = w.from ?? new Date(windowStart(now, DAY_MS));
  const to = w.to ?? new Date(now + 1);
  if (from >= to) throw errors.validation('from', 'must be before to');
  const where = and(...conditions(ctx, { apiKeyId, from, to }));
  const isError = sql<number>`count(*) filter (where ${requestLogs.status} >= 400)`;
  const rows = await ctx.db
    .select({
      endpoint: requestLogs.endpoint,
      calls: count(),
      errors: isError,
      credits: sql<string | null>`sum(${requestLogs.credits})`,
    })
    .from(requestLogs)
    .where(where)
    .groupBy(requestLogs.endpoint)
    .orderBy(desc(count()), asc(requestLogs.endpoint));
  const [last] = await ctx.db
    .select({ at: max(apiKeys.lastUsedAt) })
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, ctx.principal.workspaceId), apiKeyId ? eq(apiKeys.id, apiKeyId) : undefined));
  const rate = (e: number, c: number) => (c === 0 ? 0 : Math.round((e / c) * 10_000) / 10_000);
  const endpoints = rows.map((r) => ({
    endpoint: r.endpoint,
    calls: Number(r.calls),
    errors: Number(r.errors),
    errorRate: rate(Number(r.errors), Number(r.calls)),
  }));
  const calls = endpoints.reduce((n, e) => n + e.calls, 0);
  const errs = endpoints.reduce((n, e) => n + e.errors, 0);
  return {
    from,
    to,
    calls,
    errors: errs,
    errorRate: rate(errs, calls),
    creditsUsed: rows.reduce((n, r) => n + Number(r.credits ?? 0), 0),
    lastUsedAt: last?.at ? new Date(last.at) : null,
    endpoints,
  };
}

/** Retention (default 90 days): drops older logs. Run by the server's maintenance timer and the CLI. */
export async function purgeRequestLogs(db: Db, now: number, retentionDays: number): Promise<number> {
  if (retentionDays <= 0) return 0;
  const cutoff = new Date(now - retentionDays * DAY_MS).toISOString();
  // Counted in SQL: a large purge must not ship every deleted id back.
  const rows = await selectRows<{ n: string }>(
    db,
    sql`
    with gone as (delete from request_logs where at < ${cutoff}::timestamptz returning 1)
    select count(*)::text as n from gone`,
  );
  return Number(rows[0]?.n ?? 0);
}
