import type { WorkspaceRow } from '../../db/schema.js';
import { overrideOf } from '../../domain/limits/override.js';
import { builder } from '../builder.js';
import { loadEffectivePlan, PlanRef } from './plan.js';

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
      resolve: (w, _a, ctx) => loadEffectivePlan(ctx, w.planId, overrideOf(w)),
    }),
  }),
});
