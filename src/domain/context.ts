import type { Db } from '../db/client.js';
import type { PlanRow, WorkspaceRow } from '../db/schema.js';
import type { Clock } from './clock.js';
import type { LeadIndex } from './leads/memory/lead-index.js';
import { errors, serviceUnavailable } from './errors.js';
import type { QuotaReading } from './limits/policy.js';
import type { KeyQuotas, Principal } from './principal.js';
import type { Sealer } from './sealer.js';

/** Workspace facts that change rarely; the credit balance is not among them and is always read fresh. */
export type WorkspaceInfo = Omit<WorkspaceRow, 'creditBalance'>;

/**
 * The one source of workspace and plan facts (the app's Directory, cached): admission, who-am-I
 * and every domain rule that depends on a plan read them here; the operator's gate alone reads
 * its caller's plan from the database (operator/access.ts).
 */
export interface WorkspaceLookup {
  /** Every plan, in the catalogue's order, as loaded. */
  plans(): readonly PlanRow[];
  /** A plan by id; one unknown here is looked for again in the database (a newer release may have seeded it). */
  plan(id: string): Promise<PlanRow | undefined>;
  /** A plan by id (`plan_pro`), slug (`pro`) or name (`Pro`), case-insensitively; looked for again as plan() does. */
  findPlan(ref: string): Promise<PlanRow | undefined>;
  workspace(id: string): Promise<WorkspaceInfo | undefined>;
}

/**
 * A workspace's plan, from the directory. A plan the database does not hold either (its foreign
 * key forbids that, so only a damaged catalogue can) is a catalog error, never a crash.
 */
export async function planOf(lookup: Pick<WorkspaceLookup, 'plan'>, workspace: Pick<WorkspaceInfo, 'planId'>): Promise<PlanRow> {
  const plan = await lookup.plan(workspace.planId);
  if (!plan) throw serviceUnavailable(`This workspace's plan (${workspace.planId}) is not in the plan catalogue`);
  return plan;
}

/** A workspace and its plan, from the directory; not_found when there is no such workspace. */
export async function workspaceWithPlan(lookup: WorkspaceLookup, id: string): Promise<{ workspace: WorkspaceInfo; plan: PlanRow }> {
  const workspace = await lookup.workspace(id);
  if (!workspace) throw errors.notFound('Workspace');
  return { workspace, plan: await planOf(lookup, workspace) };
}

/** The caller's own workspace and plan ("my workspace"), from the directory. */
export function ownWorkspace(ctx: Pick<ServiceContext, 'principal' | 'lookup'>): Promise<{ workspace: WorkspaceInfo; plan: PlanRow }> {
  return workspaceWithPlan(ctx.lookup, ctx.principal.workspaceId);
}

/** Workspaces by id as the caller may see them (Relay's node): its own; any other id is absent, as if it did not exist. */
export async function visibleWorkspaces(ctx: Pick<ServiceContext, 'principal' | 'lookup'>, ids: readonly string[]): Promise<(WorkspaceInfo | undefined)[]> {
  const own = ctx.principal.workspaceId;
  const row = ids.includes(own) ? await ctx.lookup.workspace(own) : undefined;
  return ids.map((id) => (id === own ? row : undefined));
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

/** Everything a domain function may touch; built per request by the app's factory (serviceContexts). */
export interface ServiceContext {
  db: Db;
  clock: Clock;
  principal: Principal;
  sealer: Sealer;
  lookup: WorkspaceLookup;
  quotas: QuotaReader;
  /** The lead search index: counts and pages of lead searches without scanning the tables (SQL answers when it cannot). */
  leadIndex: LeadIndex;
  /**
   * The request's Idempotency-Key, for an operation declared idempotent (the REST router and the
   * GraphQL plugin read the header for those only); else null. The domain honours it, so no
   * handler or resolver passes it on.
   */
  readonly idempotencyKey: string | null;
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

/** The long-lived parts of every ServiceContext, wired once by the app from its dependencies. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  sealer: Sealer;
  lookup: WorkspaceLookup;
  quotas: QuotaReader;
  leadIndex: LeadIndex;
  keyChanged: KeyAnnouncer;
  workspaceChanged(workspaceId: string): Promise<void>;
  flushLogs(): Promise<void>;
}

/** Where a request's credits and replay are recorded, for its log entry and its answer (the gateway's request state is one). */
export interface RequestRecord {
  credits: number;
  replayed: boolean;
  /** Set by the surface once it knows the operation honours Idempotency-Key, possibly after the context was built. */
  readonly idempotencyKey: string | null;
}

/** Builds the ServiceContext of one request: its caller and its record, with the app's long-lived parts. */
export type ServiceContextFactory = (principal: Principal, record: RequestRecord) => ServiceContext;

export function serviceContexts(deps: ServiceDeps): ServiceContextFactory {
  return (principal, record) => ({
    db: deps.db,
    clock: deps.clock,
    sealer: deps.sealer,
    lookup: deps.lookup,
    quotas: deps.quotas,
    leadIndex: deps.leadIndex,
    principal,
    get idempotencyKey() {
      return record.idempotencyKey;
    },
    keyChanged: (hash) => deps.keyChanged(hash),
    workspaceChanged: (id) => deps.workspaceChanged(id),
    flushLogs: () => deps.flushLogs(),
    recordCredits: (amount) => {
      record.credits += amount;
    },
    recordReplayed: () => {
      record.replayed = true;
    },
  });
}
