import type { ApiKeyRow } from '../../db/schema.js';
import type { ServiceContext } from '../context.js';
import { quotaRemaining, type QuotaName } from '../limits/policy.js';
import type { KeyQuotas } from '../principal.js';
import { keyQuotas } from './state.js';

/** Where a key stands against one of its quotas. */
export interface QuotaUsage {
  name: QuotaName;
  limit: number;
  used: number;
  remaining: number;
  /** When `remaining` next goes up; null for `total` (it never frees) and while nothing is counted. */
  nextSlotAt: Date | null;
}

async function usageOf(ctx: ServiceContext, keyId: string, quotas: KeyQuotas): Promise<QuotaUsage[]> {
  const readings = await ctx.quotas.read({ keyId, quotas });
  return readings.map((r) => ({
    name: r.name,
    limit: r.limit,
    used: r.used,
    remaining: quotaRemaining(r),
    nextSlotAt: r.nextSlotAt === null ? null : new Date(r.nextSlotAt),
  }));
}

/**
 * The quota usage of a key the caller was allowed to read (through getKey, or its own), under
 * the quotas its row holds now. Reading counts no request.
 */
export function keyQuotaUsage(ctx: ServiceContext, key: ApiKeyRow): Promise<QuotaUsage[]> {
  return usageOf(ctx, key.id, keyQuotas(key));
}

/** The calling key's own quota usage, under the quotas it is being held to: any key may read it. */
export function ownQuotaUsage(ctx: ServiceContext): Promise<QuotaUsage[]> {
  return usageOf(ctx, ctx.principal.keyId, ctx.principal.quotas);
}
