import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

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

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    name: text('name').notNull(),
    description: text('description'),
    category: text('category'),
    permissions: text('permissions').array().notNull(),
    rateLimitTier: text('rate_limit_tier').notNull(),
    /** SHA-256 (hex) of the full secret; the secret itself is never stored. */
    keyHash: text('key_hash').notNull(),
    /** The secret's first 8 characters; for a key imported by hash, what the operator gave, or '' (nothing known). */
    prefix: text('prefix').notNull(),
    /** The secret's first 12 characters, for the display hint; null for keys minted before it was kept. */
    start: text('start'),
    /** Null for a key imported by hash: its secret was never seen. */
    last4: text('last4'),
    /**
     * Imported, and its secret is not (or, imported by hash, not known to be) in this server's
     * wbk_live_ format: the gateway looks such tokens up instead of refusing them on their shape.
     */
    foreignFormat: boolean('foreign_format').notNull().default(false),
    /** active | inactive | revoked; "expired" is derived from expiresAt. */
    status: text('status').notNull(),
    expiresAt: ts('expires_at'),
    quotaTotal: integer('quota_total'),
    quotaDaily: integer('quota_daily'),
    quotaWeekly: integer('quota_weekly'),
    quotaMonthly: integer('quota_monthly'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    deactivatedAt: ts('deactivated_at'),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
    rotatedFromId: text('rotated_from_id'),
    replacedById: text('replaced_by_id'),
    rotatedAt: ts('rotated_at'),
    createdByKeyId: text('created_by_key_id'),
  },
  (t) => [
    uniqueIndex('api_keys_key_hash_idx').on(t.keyHash),
    index('api_keys_workspace_idx').on(t.workspaceId, t.id),
    index('api_keys_workspace_name_idx').on(t.workspaceId, t.name),
    // Tiny: answers "are there any foreign-format keys?" at start without a scan.
    index('api_keys_foreign_format_idx').on(t.id).where(sql`${t.foreignFormat}`),
  ],
);

/** Audit trail of a key's lifecycle: who created, deactivated, revoked or rotated it, and when. */
export const apiKeyEvents = pgTable(
  'api_key_events',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    keyId: text('key_id').notNull(),
    type: text('type').notNull(),
    actorKeyId: text('actor_key_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    at: ts('at').notNull(),
  },
  (t) => [index('api_key_events_key_idx').on(t.keyId, t.at)],
);

/** Every change an operator made to a workspace (plan, name, limit override, credits), with its state before and after. */
export const operatorAudit = pgTable(
  'operator_audit',
  {
    id: text('id').primaryKey(),
    /** The operator key's id, or "cli" for the command line. */
    actor: text('actor').notNull(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    action: text('action').notNull(),
    before: jsonb('before').$type<Record<string, unknown>>().notNull(),
    after: jsonb('after').$type<Record<string, unknown>>().notNull(),
    at: ts('at').notNull(),
  },
  // Ids are ULIDs: a workspace's history in time order, paged by id.
  (t) => [index('operator_audit_workspace_idx').on(t.workspaceId, t.id)],
);

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

export const idempotencyRecords = pgTable(
  'idempotency_records',
  {
    workspaceId: text('workspace_id').notNull(),
    /**
     * The calling key: a record replays only to the key that made it, so one key can never
     * collect another's response (a plaintext secret) by sending its Idempotency-Key.
     */
    apiKeyId: text('api_key_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** Which operation the key was first used for, e.g. "createApiKey". */
    operation: text('operation').notNull(),
    requestHash: text('request_hash').notNull(),
    /** in_flight until the first request finishes, then done. */
    state: text('state').notNull(),
    responseStatus: integer('response_status'),
    /** AES-256-GCM sealed response body: it may hold a plaintext secret. */
    responseSealed: bytea('response_sealed'),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.apiKeyId, t.idempotencyKey] }),
    index('idempotency_expires_idx').on(t.expiresAt),
  ],
);

export type PlanRow = typeof plans.$inferSelect;
export type WorkspaceRow = typeof workspaces.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type RequestLogRow = typeof requestLogs.$inferSelect;
export type OperatorAuditRow = typeof operatorAudit.$inferSelect;
export type NewRequestLog = typeof requestLogs.$inferInsert;
