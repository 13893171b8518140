import type { Principal } from '../../domain/principal.js';
import { ownQuotaUsage } from '../../domain/keys/quota-usage.js';
import { getOwnKey } from '../../domain/keys/service.js';
import * as op from '../../operations/me.js';
import { builder } from '../builder.js';
import { objectOperation, rootOperation } from '../declared.js';
import { ApiKeyRef, QuotaUsageRef, RateLimitTierEnum } from './api-key.js';
import { PlanRef } from './plan.js';
import { loadWorkspace, WorkspaceRef, workspacePlan } from './workspace.js';

export const ViewerRef = builder.objectRef<Principal>('Viewer').implement({
  description:
    'The calling key: who am I. Its id, name, prefix, permissions, tier and expiry come from the gateway cache, without a database query; its quotaUsage, usage and requestLogs need no scope.',
  fields: (t) => ({
    id: t.exposeID('keyId', { description: "The calling key's id." }),
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix'),
    permissions: t.exposeStringList('permissions'),
    rateLimitTier: t.field({ type: RateLimitTierEnum, resolve: (p) => p.rateLimitTier }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => (p.expiresAt === null ? null : new Date(p.expiresAt)) }),
    quotaUsage: t.field({
      type: [QuotaUsageRef],
      description: 'Where the calling key stands against each of its quotas; any key may read its own.',
      resolve: (_p, _a, ctx) => ownQuotaUsage(ctx.service()),
    }),
    apiKey: t.field({
      type: ApiKeyRef,
      description: 'The full record of the calling key (its own, so no admin scope is needed).',
      resolve: (_p, _a, ctx) => getOwnKey(ctx.service()),
    }),
    plan: t.field({
      type: PlanRef,
      description: "The plan of the key's workspace, as its workspace's plan field shows it.",
      resolve: async (p, _a, ctx) => workspacePlan(ctx, await loadWorkspace(ctx, p.workspaceId)),
    }),
  }),
});

objectOperation(ViewerRef, op.workspace, (t, declared) =>
  t.field({
    ...declared,
    type: WorkspaceRef,
    resolve: (p, _a, ctx) => loadWorkspace(ctx, p.workspaceId),
  }),
);

rootOperation(op.viewer, (t, declared) => t.field({ ...declared, type: ViewerRef, resolve: (_r, _a, ctx) => ctx.principal() }));
