import { and, count, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { requestLogs } from '../../db/schema.js';

/** Points the workspace consumed since `since` (the UTC day's counter after a restart). */
export async function pointsSince(db: Db, workspaceId: string, since: number): Promise<number> {
  const [row] = await db
    .select({ points: sql<string | null>`sum(${requestLogs.cost})` })
    .from(requestLogs)
    .where(and(eq(requestLogs.workspaceId, workspaceId), eq(requestLogs.counted, true), gte(requestLogs.at, new Date(since))));
  return Number(row?.points ?? 0);
}

/** What seeds a key's quota counters: an aggregate of its request logs, bounded by the window, not the traffic. */
export interface KeyHistory {
  /** All-time admissions (0 when not asked for: nothing reads it without a total quota). */
  total: number;
  /** Admissions per minute since the seed's start: [minute m, holding times in ((m - 1) min, m min] since the epoch, count], ascending. */
  perMinute: [number, number][];
}

/**
 * A key's admissions per minute since `since` (ascending), and its all-time count when the
 * key has a total quota. One aggregate row per minute, so the answer is bounded by the span
 * (43,200 rows for 30 days), not by the traffic. Both read request_logs_key_at_counted_idx
 * alone (an index-only scan where the table is vacuumed), and run side by side.
 */
export async function keyHistory(db: Db, keyId: string, since: number, withTotal: boolean): Promise<KeyHistory> {
  // Minute m holds ((m - 1) min, m min], closed on the right like a rolling window (see
  // gateway/limiter/rolling.ts). date_bin is plain integer arithmetic, unlike extract's numeric.
  const bin = sql`date_bin('1 minute', ${requestLogs.at} - interval '1 microsecond', timestamptz 'epoch')`;
  const counted = and(eq(requestLogs.keyId, keyId), eq(requestLogs.counted, true));
  const [rows, totals] = await Promise.all([
    db
      .select({ minute: sql<number>`(extract(epoch from ${bin}) / 60)::int + 1`, n: count() })
      .from(requestLogs)
      .where(and(counted, gte(requestLogs.at, new Date(since))))
      .groupBy(bin),
    withTotal ? db.select({ n: count() }).from(requestLogs).where(counted) : Promise.resolve([]),
  ]);
  const perMinute = rows.map((r) => [Number(r.minute), Number(r.n)] as [number, number]).sort((a, b) => a[0] - b[0]);
  return { total: Number(totals[0]?.n ?? 0), perMinute };
}
