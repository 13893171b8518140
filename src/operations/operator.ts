import { addCreditsInput, limitOverrideInput, updateWorkspaceInput } from '../domain/operator/inputs.js';
import { auditList, workspaceList } from '../domain/operator/lists.js';
import { pageQueryDoc } from '../domain/pagination.js';
import { OPERATOR_SCOPE } from '../domain/scopes.js';
import { defineOperation } from './operation.js';
import { one, page, SHAPES } from './shapes.js';

/** Held by a key of a workspace on the Admin plan: the domain checks the plan too. */
const operator = {
  scope: OPERATOR_SCOPE,
  limitClass: 'default',
  credits: { kind: 'none' },
  idempotent: false,
  description: 'Only a key of a workspace on the Admin plan can hold admin:operator.',
} as const;
const managed = one(SHAPES.ManagedWorkspace);

export const operatorWorkspaces = defineOperation({
  ...operator,
  name: 'operatorWorkspaces',
  kind: 'query',
  summary: "Every workspace, newest first, with its plan (lifted while an override lasts), credit balance, active keys and today's calls (since 00:00 UTC).",
  output: page(SHAPES.ManagedWorkspace),
  rest: {
    method: 'GET',
    path: '/v1/operator/workspaces',
    query: { name: 'Case-insensitive substring', plan: 'A plan, e.g. pro', ...pageQueryDoc(workspaceList) },
  },
});

export const operatorWorkspace = defineOperation({
  ...operator,
  name: 'operatorWorkspace',
  kind: 'query',
  summary: 'Any workspace by id, as the list shows it.',
  output: managed,
  rest: { method: 'GET', path: '/v1/operator/workspaces/:id' },
});

export const operatorUpdateWorkspace = defineOperation({
  ...operator,
  name: 'operatorUpdateWorkspace',
  kind: 'mutation',
  summary: "Rename a workspace or move it to another plan; the plan's limits hold for its keys at once. Audited.",
  input: updateWorkspaceInput,
  output: managed,
  rest: { method: 'PATCH', path: '/v1/operator/workspaces/:id' },
  examples: { request: { plan: 'pro' } },
});

export const operatorSetLimitOverride = defineOperation({
  ...operator,
  name: 'operatorSetLimitOverride',
  kind: 'mutation',
  summary:
    "Override the workspace's limits until the given expiry (at most 90 days ahead): a multiplier of every plan limit, or explicit numbers, not both. Replaces any override; after it expires the plan's limits return by themselves. Audited.",
  input: limitOverrideInput,
  output: managed,
  rest: { method: 'PUT', path: '/v1/operator/workspaces/:id/override' },
  examples: { request: { multiplier: 3, expires_at: '2026-12-01T00:00:00Z', reason: 'Launch week' } },
});

export const operatorClearLimitOverride = defineOperation({
  ...operator,
  name: 'operatorClearLimitOverride',
  kind: 'mutation',
  summary: "End the workspace's override now. Audited.",
  output: managed,
  rest: { method: 'DELETE', path: '/v1/operator/workspaces/:id/override' },
});

export const operatorAddCredits = defineOperation({
  ...operator,
  name: 'operatorAddCredits',
  kind: 'mutation',
  summary: "Add credits to the workspace's balance. Audited.",
  input: addCreditsInput,
  output: managed,
  rest: { method: 'POST', path: '/v1/operator/workspaces/:id/credits' },
  examples: { request: { amount: 1000 } },
});

export const operatorWorkspaceAudit = defineOperation({
  ...operator,
  name: 'operatorWorkspaceAudit',
  kind: 'query',
  summary: 'Operator changes to the workspace, newest first: who (key id, or "cli"), what, and the state before and after.',
  output: page(SHAPES.AuditEntry),
  rest: { method: 'GET', path: '/v1/operator/workspaces/:id/audit', query: pageQueryDoc(auditList) },
  graphql: 'OperatorWorkspace.audit',
});
