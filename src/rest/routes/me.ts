import { ownWorkspace, type ServiceContext } from '../../domain/context.js';
import { creditBalance } from '../../domain/credits.js';
import { ownQuotaUsage } from '../../domain/keys/quota-usage.js';
import { effectivePlan, overrideOf } from '../../domain/limits/override.js';
import { restMe, restPlan, restWorkspace } from '../serialize.js';
import * as op from '../../operations/me.js';
import { restRoute, type RestRoute } from '../route.js';

/** The caller's workspace and plan (lifted while an override lasts), from the directory: no query on the hot path. */
async function ownWorkspaceNow(ctx: ServiceContext) {
  const { workspace, plan } = await ownWorkspace(ctx);
  return { workspace, plan: effectivePlan(plan, overrideOf(workspace), ctx.clock.now()) };
}

export const meRoutes: RestRoute[] = [
  restRoute(op.viewer, async (c) => {
    const [{ workspace, plan }, quotaUsage] = await Promise.all([ownWorkspaceNow(c.ctx), ownQuotaUsage(c.ctx)]);
    return { data: restMe(c.ctx.principal, workspace, plan, quotaUsage) };
  }),
  restRoute(op.workspace, async (c) => {
    const { workspace, plan } = await ownWorkspaceNow(c.ctx);
    return { data: { ...restWorkspace(workspace), credit_balance: await creditBalance(c.ctx.db, workspace.id), plan: restPlan(plan) } };
  }),
];
