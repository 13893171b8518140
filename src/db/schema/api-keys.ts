import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { workspaces } from './workspaces.js';

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

export type ApiKeyRow = typeof apiKeys.$inferSelect;
