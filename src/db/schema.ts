// The tables, one file per domain under ./schema/; everything imports them from here.
export * from './schema/plans.js';
export * from './schema/workspaces.js';
export * from './schema/api-keys.js';
export * from './schema/operator.js';
export * from './schema/request-logs.js';
export * from './schema/idempotency.js';
export * from './schema/leads.js';
