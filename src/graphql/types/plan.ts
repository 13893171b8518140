import type { PlanRow } from '../../db/schema.js';
import { builder } from '../builder.js';

export const PlanRef = builder.objectRef<PlanRow>('Plan').implement({
  description: 'A subscription plan and its account-wide request limits.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    requestsPerSecond: t.exposeInt('requestsPerSecond'),
    requestsPerMinute: t.exposeInt('requestsPerMinute'),
    requestsPerDay: t.exposeInt('requestsPerDay', { description: 'Resets at 00:00 UTC.' }),
    aiRequestsPerMinute: t.exposeInt('aiRequestsPerMinute', { description: 'AI generation endpoints, per workspace.' }),
    allowsUnmetered: t.exposeBoolean('allowsUnmetered', { description: 'Whether keys may use the unmetered rate-limit tier.' }),
  }),
});
