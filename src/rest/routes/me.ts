import { errors } from '../../domain/errors.js';
import { restMe } from '../serialize.js';
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
];
