import { and, count, desc, eq, gte, sql } from 'drizzle-orm';
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

/** A key's all-time admitted requests, and the times of the latest `max` within `windowMs`, ascending. */
export async function keyHistory(db: Db, keyId: string, now: number, windowMs: number, max: number) {
  const [totalRow] = await db
    .select({ n: count() })
    .from(requestLogs)
    .where(and(eq(requestLogs.keyId, keyId), eq(requestLogs.counted, true)));
  const recent =
    max > 0
      ? await db
          .select({ at: requestLogs.at })
          .from(requestLogs)
          .where(and(eq(requestLogs.keyId, keyId), eq(requestLogs.counted, true), gte(requestLogs.at, new Date(now - windowMs))))
          .orderBy(desc(requestLogs.at))
          .limit(max)
      : [];
  return { total: Number(totalRow?.n ?? 0), recent: recent.map((r) => r.at.getTime()).reverse() };
}
