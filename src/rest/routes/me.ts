import { errors } from '../../domain/errors.js';
import { creditBalance } from '../../domain/credits.js';
import { restMe, restPlan, restWorkspace } from '../serialize.js';
import { ok, type RestRoute } from '../route.js';

export const meRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/v1/me',
    async handler(c) {
      const p = c.ctx.principal;
      const workspace = await c.ctx.lookup.workspace(p.workspaceId);
      const plan = workspace && c.ctx.lookup.plan(workspace.planId);
      if (!workspace || !plan) throw errors.notFound('Workspace');
      return ok({ data: restMe(p, workspace, plan) });
    },
  },
  {
    method: 'GET',
    path: '/v1/workspace',
    async handler(c) {
      const p = c.ctx.principal;
      const workspace = await c.ctx.lookup.workspace(p.workspaceId);
      const plan = workspace && c.ctx.lookup.plan(workspace.planId);
      if (!workspace || !plan) throw errors.notFound('Workspace');
      return ok({ data: { ...restWorkspace(workspace), credit_balance: await creditBalance(c.ctx.db, workspace.id), plan: restPlan(plan) } });
    },
  },
];
