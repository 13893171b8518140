import { asc, eq } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.js';
import { plans, workspaces, type PlanRow } from '../db/schema.js';
import type { WorkspaceInfo, WorkspaceLookup } from './context.js';

/**
 * The one source of workspace and plan facts: plans (all of them, loaded at start, read again
 * on a miss) and workspaces (LRU, 60 s), so that admission, who-am-I and the domain need no query
 * per request.
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
  /** The reload of the plans under way, which every miss meanwhile waits for instead of starting its own. */
  private reloading: Promise<void> | undefined;

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

  /**
   * A plan seeded after this instance started (a newer release's, in a rolling deploy on a shared
   * database) is read on the first miss: once for all the misses meanwhile, and each miss waits
   * for one reload at most, so an unknown plan costs one small query, never a loop.
   */
  private reloadPlans(): Promise<void> {
    this.reloading ??= this.loadPlans().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  plans(): readonly PlanRow[] {
    return this.ordered;
  }

  async plan(id: string): Promise<PlanRow | undefined> {
    const known = this.byId.get(id);
    if (known) return known;
    await this.reloadPlans();
    return this.byId.get(id);
  }

  /** As held now, without reading again: for the limiter, which runs after admission found the plan with plan(). */
  cachedPlan(id: string): PlanRow | undefined {
    return this.byId.get(id);
  }

  async findPlan(ref: string): Promise<PlanRow | undefined> {
    const want = ref.trim().toLowerCase();
    const match = () => this.ordered.find((p) => p.id === want || p.id === `plan_${want}` || p.name.toLowerCase() === want);
    const known = match();
    if (known) return known;
    await this.reloadPlans();
    return match();
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
