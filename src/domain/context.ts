import type { Db } from '../db/client.js';
import type { PlanRow, WorkspaceRow } from '../db/schema.js';
import type { Clock } from './clock.js';
import { errors } from './errors.js';
import type { QuotaReading } from './limits/policy.js';
import type { KeyQuotas, Principal } from './principal.js';
import type { Sealer } from './sealer.js';

/** Cached reads of plans and workspaces (without the credit balance, which is always read fresh). */
export interface WorkspaceLookup {
  plan(id: string): PlanRow | undefined;
  workspace(id: string): Promise<Omit<WorkspaceRow, 'creditBalance'> | undefined>;
}

/** A key's quota counters, as the gateway's limiter holds them. */
export interface QuotaReader {
  /**
   * The key's standing against each of its quotas (`total` first, then daily, weekly, monthly;
   * none without quotas). Counters the limiter does not hold are seeded from the request logs,
   * as its next request would seed them. Never counts as a request.
   */
  read(key: { keyId: string; quotas: KeyQuotas }): Promise<QuotaReading[]>;
}

/**
 * Called after a key's row changed in a committed transaction: drops it from every instance's
 * cache. `foreign`: the key is of a foreign format, so gateways must look such tokens up.
 */
export type KeyAnnouncer = (keyHash: string, opts?: { foreign?: boolean }) => Promise<void>;

/** Everything a domain function may touch; both surfaces build one per request. */
export interface ServiceContext {
  db: Db;
  clock: Clock;
  principal: Principal;
  sealer: Sealer;
  lookup: WorkspaceLookup;
  quotas: QuotaReader;
  /** Called after a key's row changed in a committed transaction: drops it from every instance's cache. */
  keyChanged(keyHash: string): Promise<void>;
  /** Called after a workspace's name, plan or limit override changed: drops its cached facts and its keys' principals everywhere. */
  workspaceChanged(workspaceId: string): Promise<void>;
  /** Makes pending request logs visible to queries (e.g. before deciding a key was never used). */
  flushLogs(): Promise<void>;
  /** Credits this request spent, for its log entry and `credits_used`. */
  recordCredits(amount: number): void;
  /** This request's outcome replays an earlier one under its Idempotency-Key (the surface answers Idempotent-Replayed). */
  recordReplayed(): void;
}

export function requireScope(ctx: Pick<ServiceContext, 'principal'>, scope: string): void {
  if (!ctx.principal.permissionSet.has(scope)) throw errors.missingPermission(scope);
}
