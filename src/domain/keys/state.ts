import type { ApiKeyRow } from '../../db/schema.js';
import type { KeyQuotas, KeyState } from '../principal.js';

export function keyState(row: Pick<ApiKeyRow, 'status' | 'expiresAt'>, now: number): KeyState {
  if (row.status === 'revoked') return 'revoked';
  if (row.status === 'inactive') return 'inactive';
  if (row.expiresAt && row.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

export function keyQuotas(row: ApiKeyRow): KeyQuotas {
  return { total: row.quotaTotal, daily: row.quotaDaily, weekly: row.quotaWeekly, monthly: row.quotaMonthly };
}

const DATE_FIELDS = ['expiresAt', 'createdAt', 'updatedAt', 'deactivatedAt', 'revokedAt', 'lastUsedAt', 'rotatedAt'] as const;

/** A row as JSON, for idempotent replays that must return exactly what the first response held. */
export function serializeKeyRow(row: ApiKeyRow): string {
  return JSON.stringify(row);
}

export function deserializeKeyRow(json: string): ApiKeyRow {
  const raw = JSON.parse(json) as Record<string, unknown>;
  for (const f of DATE_FIELDS) raw[f] = raw[f] == null ? null : new Date(raw[f] as string);
  return raw as unknown as ApiKeyRow;
}
