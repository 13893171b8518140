import { listAudit } from '../../domain/operator/audit.js';
import { grantCredits } from '../../domain/operator/credits.js';
import { addCreditsInput, limitOverrideInput, updateWorkspaceInput } from '../../domain/operator/inputs.js';
import { clearLimitOverride, setLimitOverride } from '../../domain/operator/override.js';
import { updateWorkspace } from '../../domain/operator/update.js';
import { getManagedWorkspace, listManagedWorkspaces } from '../../domain/operator/workspaces.js';
import { OPERATOR_SCOPE } from '../../domain/scopes.js';
import { restAuditEntry, restManagedWorkspace } from '../serialize.js';
import { ok, optionalParam, pageByCursor, type RestCall, type RestRoute } from '../route.js';

const id = (c: RestCall) => c.params.id!;
/** Held by a key of a workspace on the Admin plan: the domain checks both. */
const scope = OPERATOR_SCOPE;

/** Managing other workspaces: keys of the Admin plan's workspace holding admin:operator. */
export const operatorRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/v1/operator/workspaces',
    doc: {
      summary: "Every workspace, newest first, with its plan (lifted while an override lasts), credit balance, active keys and today's calls (since 00:00 UTC).",
      scope,
      query: { name: 'Case-insensitive substring', plan: 'A plan, e.g. pro', limit: '1 to 100 (default 20)', cursor: 'next_cursor of the previous page' },
    },
    handler: (c) =>
      pageByCursor(c, (page) => listManagedWorkspaces(c.ctx, { name: optionalParam(c, 'name'), plan: optionalParam(c, 'plan') }, page), restManagedWorkspace),
  },
  {
    method: 'GET',
    path: '/v1/operator/workspaces/:id',
    doc: { summary: 'One workspace, as the list shows it.', scope },
    handler: async (c) => ok({ data: restManagedWorkspace(await getManagedWorkspace(c.ctx, id(c))) }),
  },
  {
    method: 'PATCH',
    path: '/v1/operator/workspaces/:id',
    doc: { summary: "Rename a workspace or move it to another plan; the plan's limits hold for its keys at once. Audited.", scope, body: updateWorkspaceInput },
    handler: async (c) => ok({ data: restManagedWorkspace(await updateWorkspace(c.ctx, id(c), await c.body())) }),
  },
  {
    method: 'PUT',
    path: '/v1/operator/workspaces/:id/override',
    doc: {
      summary:
        "Override the workspace's limits until expires_at (at most 90 days ahead): a multiplier of every plan limit, or explicit numbers, not both. Replaces any override; after expires_at the plan's limits return by themselves. Audited.",
      scope,
      body: limitOverrideInput,
    },
    handler: async (c) => ok({ data: restManagedWorkspace(await setLimitOverride(c.ctx, id(c), await c.body())) }),
  },
  {
    method: 'DELETE',
    path: '/v1/operator/workspaces/:id/override',
    doc: { summary: "End the workspace's override now. Audited.", scope },
    handler: async (c) => ok({ data: restManagedWorkspace(await clearLimitOverride(c.ctx, id(c))) }),
  },
  {
    method: 'POST',
    path: '/v1/operator/workspaces/:id/credits',
    doc: { summary: "Add credits to the workspace's balance. Audited.", scope, body: addCreditsInput },
    handler: async (c) => ok({ data: restManagedWorkspace(await grantCredits(c.ctx, id(c), await c.body())) }),
  },
  {
    method: 'GET',
    path: '/v1/operator/workspaces/:id/audit',
    doc: {
      summary: 'Operator changes to the workspace, newest first: who (key id, or "cli"), what, and the state before and after.',
      scope,
      query: { limit: '1 to 100 (default 20)', cursor: 'next_cursor of the previous page' },
    },
    handler: (c) => pageByCursor(c, (page) => listAudit(c.ctx, id(c), page), restAuditEntry),
  },
];
