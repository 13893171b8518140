import { asc, eq } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.js';
import { plans, workspaces, type PlanRow } from '../db/schema.js';
import type { WorkspaceInfo, WorkspaceLookup } from './context.js';

/**
 * The one source of workspace and plan facts: plans (all of them, loaded at start) and
 * workspaces (LRU, 60 s), so that admission, who-am-I and the domain need no query per request.
 * The app holds one and hands it to the gateway (admission) and to every ServiceContext; a
 * change to a workspace (name, plan, limit override) drops its entry, on every instance through
 * the invalidation bus. The credit balance is not among these facts: it is always read fresh.
 */
export class Directory implements WorkspaceLookup {
  private byId = new Map<string, PlanRow>();
  private ordered: readonly PlanRow[] = [];
  private readonly workspaces = new LRUCache<string, WorkspaceInfo>({ max: 10_000, ttl: 60_000 });
  /** Bumped by every forget(), so a read that raced one does not cache what it read. */
  private epoch = 0;

  constructor(private readonly db: Db) {}

  /** A directory with its plans loaded, e.g. for a CLI run or a test on a bare database. */
  static async load(db: Db): Promise<Directory> {
    const d = new Directory(db);
    await d.loadPlans();
    return d;
  }

  async loadPlans(): Promise<void> {
    this.ordered = await this.db.select().from(plans).orderBy(asc(plans.sortOrder));
    this.byId = new Map(this.ordered.map((p) => [p.id, p]));
  }

  plans(): readonly PlanRow[] {
    return this.ordered;
  }

  plan(id: string): PlanRow | undefined {
    return this.byId.get(id);
  }

  findPlan(ref: string): PlanRow | undefined {
    const want = ref.trim().toLowerCase();
    return this.ordered.find((p) => p.id === want || p.id === `plan_${want}` || p.name.toLowerCase() === want);
  }

  async workspace(id: string): Promise<WorkspaceInfo | undefined> {
    const hit = this.workspaces.get(id);
    if (hit) return hit;
    const epoch = this.epoch;
    const [row] = await this.db.select().from(workspaces).where(eq(workspaces.id, id));
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
