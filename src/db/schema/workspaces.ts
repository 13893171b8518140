import { bigint, doublePrecision, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { plans } from './plans.js';

export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  planId: text('plan_id')
    .notNull()
    .references(() => plans.id),
  creditBalance: bigint('credit_balance', { mode: 'number' }).notNull().default(0),
  createdAt: ts('created_at').notNull(),
  /**
   * A temporary override of the plan's limits, set by an operator: either a multiplier of every
   * plan limit, or explicit numbers (those left null keep the plan's). It applies while
   * `overrideExpiresAt` is in the future; after that the plan's limits hold again by themselves.
   * No override: every override column is null.
   */
  overrideMultiplier: doublePrecision('override_multiplier'),
  overrideRequestsPerSecond: integer('override_requests_per_second'),
  overrideRequestsPerMinute: integer('override_requests_per_minute'),
  overrideRequestsPerDay: integer('override_requests_per_day'),
  overrideAiRequestsPerMinute: integer('override_ai_requests_per_minute'),
  overrideExpiresAt: ts('override_expires_at'),
  overrideReason: text('override_reason'),
});

export type WorkspaceRow = typeof workspaces.$inferSelect;
