import { boolean, index, integer, pgTable, real, text } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

export const requestLogs = pgTable(
  'request_logs',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id'),
    keyId: text('key_id'),
    keyPrefix: text('key_prefix'),
    requestId: text('request_id').notNull(),
    method: text('method').notNull(),
    endpoint: text('endpoint').notNull(),
    operationType: text('operation_type'),
    operationName: text('operation_name'),
    status: integer('status').notNull(),
    durationMs: real('duration_ms').notNull(),
    ip: text('ip').notNull(),
    credits: integer('credits').notNull().default(0),
    /** Admitted past limits and quotas: counts against them. Counters are re-seeded from these rows. */
    counted: boolean('counted').notNull().default(false),
    /** Rate-limit points the request consumed (GraphQL: by its cost; REST: 1). */
    cost: integer('cost').notNull().default(0),
    errorCode: text('error_code'),
    at: ts('at').notNull(),
  },
  (t) => [
    index('request_logs_workspace_at_idx').on(t.workspaceId, t.at),
    // `counted` last: a key's logs stay in time order, and the quota seed (domain/logs/history.ts)
    // counts from the index alone.
    index('request_logs_key_at_counted_idx').on(t.keyId, t.at, t.counted),
    // No index on `at` alone: every row pays for each index, and the retention purge is a rare scan.
  ],
);

export type RequestLogRow = typeof requestLogs.$inferSelect;
export type NewRequestLog = typeof requestLogs.$inferInsert;
