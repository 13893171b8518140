import { errors } from '../../domain/errors.js';
import { getPlan, getWorkspace } from '../../domain/workspaces.js';
import { restMe } from '../serialize.js';
import { ok, type RestRoute } from '../route.js';

export const meRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/v1/me',
    async handler(c) {
      const p = c.ctx.principal;
      const workspace = await getWorkspace(c.ctx.db, p.workspaceId);
      const plan = workspace && (await getPlan(c.ctx.db, workspace.planId));
      if (!workspace || !plan) throw errors.notFound('Workspace');
      return ok({ data: restMe(p, workspace, plan) });
    },
  },
];
