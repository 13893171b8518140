import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { bytea, ts } from './columns.js';

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
  (t) => [primaryKey({ columns: [t.workspaceId, t.apiKeyId, t.idempotencyKey] }), index('idempotency_expires_idx').on(t.expiresAt)],
);
