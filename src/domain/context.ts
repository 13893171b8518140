import type { Db } from '../db/client.js';
import type { PlanRow, WorkspaceRow } from '../db/schema.js';
import type { Clock } from './clock.js';
import { errors } from './errors.js';
import type { Principal } from './principal.js';
import type { Sealer } from './sealer.js';

/** Cached reads of plans and workspaces (without the credit balance, which is always read fresh). */
export interface WorkspaceLookup {
  plan(id: string): PlanRow | undefined;
  workspace(id: string): Promise<Omit<WorkspaceRow, 'creditBalance'> | undefined>;
}

/** Everything a domain function may touch; both surfaces build one per request. */
export interface ServiceContext {
  db: Db;
  clock: Clock;
  principal: Principal;
  sealer: Sealer;
  lookup: WorkspaceLookup;
  /** Called after a key's row changed in a committed transaction: drops it from every instance's cache. */
  keyChanged(keyHash: string): Promise<void>;
  /** Called after a workspace's name, plan or limit override changed: drops its cached facts and its keys' principals everywhere. */
  workspaceChanged(workspaceId: string): Promise<void>;
  /** Makes pending request logs visible to queries (e.g. before deciding a key was never used). */
  flushLogs(): Promise<void>;
  /** Credits this request spent, for its log entry and `credits_used`. */
  recordCredits(amount: number): void;
}

export function requireScope(ctx: Pick<ServiceContext, 'principal'>, scope: string): void {
  if (!ctx.principal.permissionSet.has(scope)) throw errors.missingPermission(scope);
}
