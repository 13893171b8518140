import { boolean, integer, pgTable, text } from 'drizzle-orm/pg-core';

export const plans = pgTable('plans', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  sortOrder: integer('sort_order').notNull(),
  requestsPerSecond: integer('requests_per_second').notNull(),
  requestsPerMinute: integer('requests_per_minute').notNull(),
  requestsPerDay: integer('requests_per_day').notNull(),
  aiRequestsPerMinute: integer('ai_requests_per_minute').notNull(),
  allowsUnmetered: boolean('allows_unmetered').notNull(),
});

export type PlanRow = typeof plans.$inferSelect;
