import type { EffectivePlan, LimitOverride } from '../../domain/limits/override.js';
import { builder } from '../builder.js';

export const LimitOverrideRef = builder.objectRef<LimitOverride>('LimitOverride').implement({
  description:
    "An operator's temporary override of a workspace's plan limits, as set: a multiplier of every limit, or explicit numbers (null: the plan's number). After expiresAt the plan's limits return by themselves.",
  fields: (t) => ({
    multiplier: t.exposeFloat('multiplier', { nullable: true }),
    requestsPerSecond: t.exposeInt('requestsPerSecond', { nullable: true }),
    requestsPerMinute: t.exposeInt('requestsPerMinute', { nullable: true }),
    requestsPerDay: t.exposeInt('requestsPerDay', { nullable: true }),
    aiRequestsPerMinute: t.exposeInt('aiRequestsPerMinute', { nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    reason: t.exposeString('reason', { nullable: true }),
  }),
});

export const PlanRef = builder.objectRef<EffectivePlan>('Plan').implement({
  description: "A subscription plan and its account-wide request limits, as they hold for the workspace now (lifted while an operator's override lasts).",
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    requestsPerSecond: t.exposeInt('requestsPerSecond'),
    requestsPerMinute: t.exposeInt('requestsPerMinute'),
    requestsPerDay: t.exposeInt('requestsPerDay', { description: 'Resets at 00:00 UTC.' }),
    aiRequestsPerMinute: t.exposeInt('aiRequestsPerMinute', { description: 'AI generation endpoints, per workspace.' }),
    allowsUnmetered: t.exposeBoolean('allowsUnmetered', { description: 'Whether keys may use the unmetered rate-limit tier.' }),
    override: t.field({
      type: LimitOverrideRef,
      nullable: true,
      description: "The override in force, whose numbers the limits above show; null: the plan's own limits.",
      resolve: (p) => p.override,
    }),
  }),
});
