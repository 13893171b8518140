import type { PlanRow, WorkspaceRow } from '../../db/schema.js';

/**
 * A temporary override of a workspace's plan limits, as an operator set it: a multiplier of
 * every plan limit, or explicit numbers (null: the plan's number holds).
 */
export interface LimitOverride {
  multiplier: number | null;
  requestsPerSecond: number | null;
  requestsPerMinute: number | null;
  requestsPerDay: number | null;
  aiRequestsPerMinute: number | null;
  expiresAt: Date;
  reason: string | null;
}

/** A plan's limits as they hold now for one workspace: lifted while an override lasts. */
export interface EffectivePlan extends PlanRow {
  /** The override in force, or null when the plan's own numbers hold. */
  override: LimitOverride | null;
}

type OverrideColumns = Pick<
  WorkspaceRow,
  | 'overrideMultiplier'
  | 'overrideRequestsPerSecond'
  | 'overrideRequestsPerMinute'
  | 'overrideRequestsPerDay'
  | 'overrideAiRequestsPerMinute'
  | 'overrideExpiresAt'
  | 'overrideReason'
>;

/** The override stored on a workspace row, expired or not; null when none was set. */
export function overrideOf(w: OverrideColumns): LimitOverride | null {
  if (!w.overrideExpiresAt) return null;
  return {
    multiplier: w.overrideMultiplier,
    requestsPerSecond: w.overrideRequestsPerSecond,
    requestsPerMinute: w.overrideRequestsPerMinute,
    requestsPerDay: w.overrideRequestsPerDay,
    aiRequestsPerMinute: w.overrideAiRequestsPerMinute,
    expiresAt: w.overrideExpiresAt,
    reason: w.overrideReason,
  };
}

/** The columns that store `o` (all null for none). */
export function overrideColumns(o: LimitOverride | null): OverrideColumns {
  return {
    overrideMultiplier: o?.multiplier ?? null,
    overrideRequestsPerSecond: o?.requestsPerSecond ?? null,
    overrideRequestsPerMinute: o?.requestsPerMinute ?? null,
    overrideRequestsPerDay: o?.requestsPerDay ?? null,
    overrideAiRequestsPerMinute: o?.aiRequestsPerMinute ?? null,
    overrideExpiresAt: o?.expiresAt ?? null,
    overrideReason: o?.reason ?? null,
  };
}

/** Limits are counted in 32-bit integers (the columns, GraphQL's Int). */
export const MAX_LIMIT = 2_147_483_647;

export function overrideActive(o: LimitOverride | null, now: number): o is LimitOverride {
  return o !== null && o.expiresAt.getTime() > now;
}

/**
 * The one place limits are lifted: the plan's numbers with an unexpired override applied. An
 * expired override is simply ignored, so the plan's limits return the moment it ends, on every
 * instance, with no job to clear it.
 */
export function effectivePlan(plan: PlanRow, override: LimitOverride | null, now: number): EffectivePlan {
  if (!overrideActive(override, now)) return { ...plan, override: null };
  const lift = (base: number, explicit: number | null) => {
    // 1.15 × 200 is 229.99999999999997 in binary floating point: round to a millionth first.
    if (override.multiplier !== null) return Math.min(MAX_LIMIT, Math.floor(Math.round(base * override.multiplier * 1e6) / 1e6));
    return explicit ?? base;
  };
  return {
    ...plan,
    requestsPerSecond: lift(plan.requestsPerSecond, override.requestsPerSecond),
    requestsPerMinute: lift(plan.requestsPerMinute, override.requestsPerMinute),
    requestsPerDay: lift(plan.requestsPerDay, override.requestsPerDay),
    aiRequestsPerMinute: lift(plan.aiRequestsPerMinute, override.aiRequestsPerMinute),
    override,
  };
}
