import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.js';
import type { PlanRow, WorkspaceRow } from '../db/schema.js';
import type { WorkspaceLookup } from '../domain/context.js';
import { getWorkspace, listPlans } from '../domain/workspaces.js';

/** Workspace facts that change rarely; the credit balance is not among them and is always read fresh. */
export type WorkspaceInfo = Omit<WorkspaceRow, 'creditBalance'>;

/**
 * Plans (all of them, loaded at start) and workspaces (LRU, 60 s), so that who-am-I and the
 * limiter need no query per request. An operator's change to a workspace (name, plan, limit
 * override) drops its entry here, on every instance through the invalidation bus.
 */
export class Directory implements WorkspaceLookup {
  private plans = new Map<string, PlanRow>();
  private readonly workspaces = new LRUCache<string, WorkspaceInfo>({ max: 10_000, ttl: 60_000 });
  /** Bumped by every forget(), so a read that raced one does not cache what it read. */
  private epoch = 0;

  constructor(private readonly db: Db) {}

  async loadPlans(): Promise<void> {
    this.plans = new Map((await listPlans(this.db)).map((p) => [p.id, p]));
  }

  plan(id: string): PlanRow | undefined {
    return this.plans.get(id);
  }

  async workspace(id: string): Promise<WorkspaceInfo | undefined> {
    const hit = this.workspaces.get(id);
    if (hit) return hit;
    const epoch = this.epoch;
    const row = await getWorkspace(this.db, id);
    if (!row) return undefined;
    const { creditBalance: _fresh, ...info } = row;
    if (epoch === this.epoch) this.workspaces.set(id, info);
    return info;
  }

  forget(id: string): void {
    this.epoch++;
    this.workspaces.delete(id);
  }

  /** After invalidations may have been missed. */
  forgetAll(): void {
    this.epoch++;
    this.workspaces.clear();
  }
}
