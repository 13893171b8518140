import type { WorkspaceRow } from '../../db/schema.js';
import { errors } from '../../domain/errors.js';
import { builder } from '../builder.js';
import { PlanRef } from './plan.js';

export const WorkspaceRef = builder.objectRef<WorkspaceRow>('Workspace');

builder.node(WorkspaceRef, {
  description: 'A tenant: its keys, data and plan. A key sees its own workspace only.',
  id: { resolve: (w) => w.id },
  loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.workspaces().load(id))),
  isTypeOf: (v) => typeof v === 'object' && v !== null && 'planId' in v && 'creditBalance' in v,
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    plan: t.field({
      type: PlanRef,
      resolve: async (w, _args, ctx) => (await ctx.plans().load(w.planId)) ?? Promise.reject(errors.notFound('Plan')),
    }),
  }),
});
