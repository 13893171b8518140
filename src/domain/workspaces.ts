import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { findPlan } from '../db/plans.js';
import { plans, workspaces, type PlanRow, type WorkspaceRow } from '../db/schema.js';
import type { Clock } from './clock.js';
import { errors } from './errors.js';
import { newId } from './ids.js';
import { insertKey, type IssuedKey } from './keys/service.js';
import { SCOPES } from './scopes.js';

export interface Bootstrapped {
  workspace: WorkspaceRow;
  admin: IssuedKey;
}

/** A new workspace and its first admin key, holding every scope. Operator-only: no caller key involved. */
export async function bootstrapWorkspace(db: Db, clock: Clock, opts: { name: string; plan: string; credits?: number }): Promise<Bootstrapped> {
  const name = opts.name.trim();
  if (!name || name.length > 120) throw errors.validation('workspace', 'must be 1 to 120 characters');
  const plan = findPlan(opts.plan);
  if (!plan) throw errors.validation('plan', `must be one of ${(await listPlans(db)).map((p) => p.name).join(', ')}`);
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
        permissions: SCOPES,
        rateLimitTier: 'standard',
        expiresAt: null,
        quotas: { total: null, daily: null, weekly: null, monthly: null },
        createdByKeyId: null,
      },
      now,
    );
    return { workspace: workspace!, admin };
  });
}

export async function getWorkspace(db: Db, id: string): Promise<WorkspaceRow | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id));
  return row;
}

export async function countWorkspaces(db: Db): Promise<number> {
  const rows = await db.select({ id: workspaces.id }).from(workspaces).limit(1);
  return rows.length;
}

export async function listPlans(db: Db): Promise<PlanRow[]> {
  return db.select().from(plans).orderBy(asc(plans.sortOrder));
}

export async function getPlan(db: Db, id: string): Promise<PlanRow | undefined> {
  const [row] = await db.select().from(plans).where(eq(plans.id, id));
  return row;
}
