import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { plans, type PlanRow } from './schema.js';

/**
 * The plan catalogue, upserted into the plans table at every start; the running app reads plans
 * from there, through its directory (src/domain/directory.ts). Starter, Pro and Org daily and
 * per-minute limits are seed 002's; AI generation limits are seed 000's (Free 10; Pro, Scale,
 * Enterprise 60; Admin 120). The remaining numbers are ours, documented in the README.
 */
export const PLAN_CATALOG: readonly PlanRow[] = [
  {
    id: 'plan_free',
    name: 'Free',
    sortOrder: 0,
    requestsPerSecond: 2,
    requestsPerMinute: 5,
    requestsPerDay: 50,
    aiRequestsPerMinute: 10,
    allowsUnmetered: false,
  },
  {
    id: 'plan_starter',
    name: 'Starter',
    sortOrder: 1,
    requestsPerSecond: 5,
    requestsPerMinute: 10,
    requestsPerDay: 100,
    aiRequestsPerMinute: 30,
    allowsUnmetered: false,
  },
  {
    id: 'plan_pro',
    name: 'Pro',
    sortOrder: 2,
    requestsPerSecond: 10,
    requestsPerMinute: 50,
    requestsPerDay: 1_000,
    aiRequestsPerMinute: 60,
    allowsUnmetered: false,
  },
  {
    id: 'plan_scale',
    name: 'Scale',
    sortOrder: 3,
    requestsPerSecond: 20,
    requestsPerMinute: 100,
    requestsPerDay: 5_000,
    aiRequestsPerMinute: 60,
    allowsUnmetered: false,
  },
  {
    id: 'plan_org',
    name: 'Org',
    sortOrder: 4,
    requestsPerSecond: 50,
    requestsPerMinute: 200,
    requestsPerDay: 10_000,
    aiRequestsPerMinute: 60,
    allowsUnmetered: false,
  },
  {
    id: 'plan_enterprise',
    name: 'Enterprise',
    sortOrder: 5,
    requestsPerSecond: 200,
    requestsPerMinute: 2_000,
    requestsPerDay: 200_000,
    aiRequestsPerMinute: 60,
    allowsUnmetered: true,
  },
  {
    id: 'plan_admin',
    name: 'Admin',
    sortOrder: 6,
    requestsPerSecond: 100_000,
    requestsPerMinute: 1_000_000,
    requestsPerDay: 100_000_000,
    aiRequestsPerMinute: 120,
    allowsUnmetered: true,
  },
];

/** Upserts the catalogue so an operator's database always carries the documented numbers. */
export async function seedPlans(db: Db): Promise<void> {
  await db
    .insert(plans)
    .values([...PLAN_CATALOG])
    .onConflictDoUpdate({
      target: plans.id,
      set: {
        name: sql`excluded.name`,
        sortOrder: sql`excluded.sort_order`,
        requestsPerSecond: sql`excluded.requests_per_second`,
        requestsPerMinute: sql`excluded.requests_per_minute`,
        requestsPerDay: sql`excluded.requests_per_day`,
        aiRequestsPerMinute: sql`excluded.ai_requests_per_minute`,
        allowsUnmetered: sql`excluded.allows_unmetered`,
      },
    });
}
