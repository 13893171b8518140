import { planOf, type WorkspaceInfo } from '../../domain/context.js';
import { errors } from '../../domain/errors.js';
import { effectivePlan, overrideOf, type EffectivePlan } from '../../domain/limits/override.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { PlanRef } from './plan.js';

/** The directory's facts; the credit balance is a field of its own, read fresh. */
export const WorkspaceRef = builder.objectRef<WorkspaceInfo>('Workspace');

/** The caller's workspace (another id loads as absent): not_found rather than null. */
export async function loadWorkspace(ctx: GraphQLContext, id: string): Promise<WorkspaceInfo> {
  return (await ctx.workspaces().load(id)) ?? Promise.reject(errors.notFound('Workspace'));
}

/** A workspace's plan, from the directory, with its override applied as of now. */
export async function workspacePlan(ctx: GraphQLContext, w: WorkspaceInfo): Promise<EffectivePlan> {
  const service = ctx.service();
  return effectivePlan(await planOf(service.lookup, w), overrideOf(w), service.clock.now());
}

builder.node(WorkspaceRef, {
  description: 'A tenant: its keys, data and plan. A key sees its own workspace only.',
  id: { resolve: (w) => w.id },
  loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.workspaces().load(id))),
  isTypeOf: (v) => typeof v === 'object' && v !== null && 'planId' in v && 'createdAt' in v,
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    plan: t.field({
      type: PlanRef,
      resolve: (w, _a, ctx) => workspacePlan(ctx, w),
    }),
  }),
});
