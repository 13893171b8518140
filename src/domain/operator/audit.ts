import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { operatorAudit, type OperatorAuditRow } from '../../db/schema.js';
import { newId } from '../ids.js';
import type { LimitOverride } from '../limits/override.js';
import { loadTablePage, readPage, type PageQuery, type PageResult } from '../pagination.js';
import { asOperator, type OperatorCaller } from './access.js';
import { auditList } from './lists.js';
import { requireWorkspace } from './workspaces.js';

export type AuditAction = 'workspace_updated' | 'override_set' | 'override_cleared' | 'credits_added';

/** An override as the audit (and REST) records it: snake_case, as API clients read it. */
export function overrideRecord(o: LimitOverride | null) {
  if (!o) return null;
  return {
    multiplier: o.multiplier,
    requests_per_second: o.requestsPerSecond,
    requests_per_minute: o.requestsPerMinute,
    requests_per_day: o.requestsPerDay,
    ai_requests_per_minute: o.aiRequestsPerMinute,
    expires_at: o.expiresAt.toISOString(),
    reason: o.reason,
  };
}

/** Written in the transaction of the change it records: no change without its entry, no entry without its change. */
export async function recordAudit(
  tx: Db,
  entry: { actor: string; workspaceId: string; action: AuditAction; before: Record<string, unknown>; after: Record<string, unknown>; at: number },
): Promise<OperatorAuditRow> {
  const [row] = await tx
    .insert(operatorAudit)
    .values({ id: newId('auditEntry', entry.at), ...entry, at: new Date(entry.at) })
    .returning();
  return row!;
}

export async function listAudit(caller: OperatorCaller, workspaceId: string, query: PageQuery): Promise<PageResult<OperatorAuditRow>> {
  const op = await asOperator(caller);
  const page = readPage(auditList, query);
  await requireWorkspace(op.db, workspaceId);
  return loadTablePage(op.db, operatorAudit, [eq(operatorAudit.workspaceId, workspaceId)], page);
}
