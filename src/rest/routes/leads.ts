import { LEAD_KINDS, type LeadKind } from '../../domain/leads/inputs.js';
import { countLeads, searchLeads, type SearchedLead } from '../../domain/leads/search.js';
import { COUNT_OPERATIONS, SEARCH_OPERATIONS } from '../../operations/leads.js';
import { restPage, restRoute, type RestRoute } from '../route.js';
import { restB2bLead, restCreatorLead, restLocalLead } from '../serialize.js';

const RENDER: { [K in LeadKind]: (row: SearchedLead<K>) => unknown } = { b2b: restB2bLead, local: restLocalLead, creators: restCreatorLead };

/** The router adds `credits_used` to both answers (the count's is always 0). */
function kindRoutes<K extends LeadKind>(kind: K): RestRoute[] {
  return [
    restRoute(SEARCH_OPERATIONS[kind], async (c) => restPage(await searchLeads(c.ctx, kind, await c.body()), RENDER[kind])),
    restRoute(COUNT_OPERATIONS[kind], async (c) => ({ data: await countLeads(c.ctx, kind, await c.body()) })),
  ];
}

export const leadRoutes: RestRoute[] = LEAD_KINDS.flatMap(kindRoutes);
