import type { QuotaName, RollingQuota } from '../../domain/limits/policy.js';

/** A plan window's counter for one workspace and one window instance. */
export interface FixedCounter {
  key: string;
  limit: number;
  /** End of the window (ms): the counter expires then, and a refusal may retry then. */
  resetAt: number;
  /** Counters that must survive a restart (the UTC day) are seeded from the request logs. */
  seed?: () => Promise<number>;
}

/** What a key's seed needs: all-time count and the admission times within its longest window. */
export interface KeyHistory {
  total: number;
  /** Ascending. */
  recent: number[];
}

export interface QuotaCheck {
  keyId: string;
  /** Counters kept under other quota settings are re-seeded. */
  signature: string;
  total: number | null;
  rolling: RollingQuota[];
  seed: () => Promise<KeyHistory>;
}

export interface AdmitInput {
  now: number;
  /** Points this request consumes in each plan window (capped at the window's limit). */
  cost: number;
  fixed: FixedCounter[];
  quota: QuotaCheck | null;
}

export type AdmitOutcome =
  | { ok: true; used: number[] }
  | { ok: false; reason: 'quota'; quota: QuotaName; retryAt: number | null; current: number[] }
  /** `current`: every window's count before this request, for the refusal's headers. */
  | { ok: false; reason: 'limit'; index: number; retryAt: number; current: number[] };

/**
 * Checks every counter and, only when all have room, consumes from all of them: one atomic
 * step, so no request is admitted over a limit however many arrive at once. Quotas are checked
 * before plan windows, so a key over its quota is told so whatever the plan's state.
 */
export interface CounterStore {
  readonly kind: 'memory' | 'redis';
  admit(input: AdmitInput): Promise<AdmitOutcome>;
  close(): Promise<void>;
}

export function pointsFor(cost: number, limit: number): number {
  return Math.min(Math.max(1, cost), limit);
}
