import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { workspaces } from './workspaces.js';

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

export type OperatorAuditRow = typeof operatorAudit.$inferSelect;
