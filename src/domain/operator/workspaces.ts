import { and, count, eq, gt, gte, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiKeys, requestLogs, workspaces, type WorkspaceRow } from '../../db/schema.js';
import { planOf } from '../context.js';
import { errors } from '../errors.js';
import { DAY_MS, windowStart } from '../limits/policy.js';
import { effectivePlan, overrideOf, type EffectivePlan, type LimitOverride } from '../limits/override.js';
import { loadTablePage, mapPage, readPage, type PageQuery, type PageResult } from '../pagination.js';
import { parseInput } from '../validation.js';
import { resolvePlan } from '../workspaces.js';
import { asOperator, type Operator, type OperatorCaller } from './access.js';
import { listWorkspacesInput, type ListWorkspacesInput } from './inputs.js';
import { workspaceList } from './lists.js';

/** A workspace as an operator sees it. */
export interface ManagedWorkspace {
  id: string;
  name: string;
  createdAt: Date;
  /** The plan's limits as they hold now: lifted while an override lasts. */
  plan: EffectivePlan;
  /** The override as stored, expired or not (`plan.override` is the one in force). */
  storedOverride: LimitOverride | null;
  creditBalance: number;
  /** Keys that can authenticate now: active and unexpired. */
  keyCount: number;
  /** Requests made with the workspace's keys since 00:00 UTC. */
  callsToday: number;
}

/** The workspace row, or not_found; in a transaction, locked until it ends (`forUpdate`). */
export async function requireWorkspace(db: Db, id: string, forUpdate = false): Promise<WorkspaceRow> {
  const q = db.select().from(workspaces).where(eq(workspaces.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw errors.notFound('Workspace');
  return row;
}

/** Rows as read here, fresh (the balance with them); their plans from the directory. */
async function describe({ db, lookup }: Pick<Operator, 'db' | 'lookup'>, rows: WorkspaceRow[], now: number): Promise<ManagedWorkspace[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [keys, calls, plans] = await Promise.all([
    db
      .select({ ws: apiKeys.workspaceId, n: count() })
      .from(apiKeys)
      .where(and(inArray(apiKeys.workspaceId, ids), eq(apiKeys.status, 'active'), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, new Date(now)))))
      .groupBy(apiKeys.workspaceId),
    db
      .select({ ws: requestLogs.workspaceId, n: count() })
      .from(requestLogs)
      .where(and(inArray(requestLogs.workspaceId, ids), gte(requestLogs.at, new Date(windowStart(now, DAY_MS)))))
      .groupBy(requestLogs.workspaceId),
    Promise.all(rows.map((w) => planOf(lookup, w))),
  ]);
  const keyCount = new Map(keys.map((k) => [k.ws, Number(k.n)]));
  const callCount = new Map(calls.map((c) => [c.ws, Number(c.n)]));
  return rows.map((w, i) => {
    const stored = overrideOf(w);
    return {
      id: w.id,
      name: w.name,
      createdAt: w.createdAt,
      plan: effectivePlan(plans[i]!, stored, now),
      storedOverride: stored,
      creditBalance: w.creditBalance,
      keyCount: keyCount.get(w.id) ?? 0,
      callsToday: callCount.get(w.id) ?? 0,
    };
  });
}

/** One workspace with its plan, balance, key count, today's calls and override. */
export async function describeWorkspace(op: Pick<Operator, 'db' | 'lookup'>, id: string, now: number): Promise<ManagedWorkspace> {
  return (await describe(op, [await requireWorkspace(op.db, id)], now))[0]!;
}

export async function getManagedWorkspace(caller: OperatorCaller, id: string): Promise<ManagedWorkspace> {
  const op = await asOperator(caller);
  await op.flushLogs();
  return describeWorkspace(op, id, op.clock.now());
}

export async function listManagedWorkspaces(caller: OperatorCaller, rawFilter: ListWorkspacesInput, query: PageQuery): Promise<PageResult<ManagedWorkspace>> {
  const op = await asOperator(caller);
  const filter = parseInput(listWorkspacesInput, rawFilter);
  const page = readPage(workspaceList, query);
  const conds: SQL[] = [];
  if (filter.name !== undefined) conds.push(sql`${workspaces.name} ilike ${'%' + filter.name.replace(/[\\%_]/g, '\\$&') + '%'}`);
  if (filter.plan !== undefined) conds.push(eq(workspaces.planId, (await resolvePlan(op.lookup, filter.plan)).id));
  const rows = await loadTablePage(op.db, workspaces, conds, page);
  await op.flushLogs();
  return mapPage(rows, (items) => describe(op, items, op.clock.now()));
}
