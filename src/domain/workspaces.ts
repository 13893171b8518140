import { count } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { workspaces, type PlanRow, type WorkspaceRow } from '../db/schema.js';
import type { Clock } from './clock.js';
import type { WorkspaceLookup } from './context.js';
import { errors } from './errors.js';
import { newId } from './ids.js';
import { insertKey, type IssuedKey } from './keys/service.js';
import { RATE_LIMIT_TIERS } from './keys/inputs.js';
import type { RateLimitTier } from './principal.js';
import { scopesForPlan } from './scopes.js';

const isTier = (s: string): s is RateLimitTier => (RATE_LIMIT_TIERS as readonly string[]).includes(s);

/** What creating a workspace needs: the database, the clock, and the directory its plan is named in. */
export interface WorkspaceDeps {
  db: Db;
  clock: Clock;
  lookup: WorkspaceLookup;
}

export interface Bootstrapped {
  workspace: WorkspaceRow;
  admin: IssuedKey;
}

/**
 * A new workspace and its first admin key, holding every scope its plan allows (admin:operator
 * on the Admin plan only). Operator-only: no caller key
 * involved. The admin key's tier (standard unless the operator asks) caps the tier of every key
 * it mints, so a workspace that needs high or unmetered keys is bootstrapped with that tier.
 */
export async function bootstrapWorkspace(
  { db, clock, lookup }: WorkspaceDeps,
  opts: { name: string; plan: string; credits?: number; rateLimitTier?: string },
): Promise<Bootstrapped> {
  const name = opts.name.trim();
  if (!name || name.length > 120) throw errors.validation('workspace', 'must be 1 to 120 characters');
  const plan = await resolvePlan(lookup, opts.plan);
  const tier = opts.rateLimitTier ?? 'standard';
  if (!isTier(tier)) throw errors.validation('tier', `must be one of ${RATE_LIMIT_TIERS.join(', ')}`);
  if (tier === 'unmetered' && !plan.allowsUnmetered) throw errors.validation('tier', `unmetered is not available on the ${plan.name} plan`);
  const now = clock.now();
  return db.transaction(async (tx) => {
    const [workspace] = await tx
      .insert(workspaces)
      .values({ id: newId('workspace', now), name, planId: plan.id, creditBalance: opts.credits ?? 0, createdAt: new Date(now) })
      .returning();
    const admin = await insertKey(
      tx,
      {
        workspaceId: workspace!.id,
        name: 'Admin key',
        description: 'Created by bootstrap; holds every scope',
        category: 'production',
        permissions: scopesForPlan(plan.id),
        rateLimitTier: tier,
        expiresAt: null,
        quotas: { total: null, daily: null, weekly: null, monthly: null },
        createdByKeyId: null,
      },
      now,
    );
    return { workspace: workspace!, admin };
  });
}

/** A plan by id (plan_pro), slug (pro) or name (Pro); unknown: validation_error listing the plans. */
export async function resolvePlan(lookup: WorkspaceLookup, ref: string, field = 'plan'): Promise<PlanRow> {
  const plan = await lookup.findPlan(ref);
  if (!plan)
    throw errors.validation(
      field,
      `must be one of ${lookup
        .plans()
        .map((p) => p.name)
        .join(', ')}`,
    );
  return plan;
}

export async function countWorkspaces(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(workspaces);
  return row?.n ?? 0;
}
