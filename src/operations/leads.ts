import type { z } from 'zod';
import { COUNT_INPUTS, type LeadKind, MAX_RADIUS_KM, SEARCH_INPUTS } from '../domain/leads/inputs.js';
import { defineOperation, type Operation } from './operation.js';
import { one, page, SHAPES } from './shapes.js';

const read = { kind: 'query', scope: 'read:leads', limitClass: 'default', idempotent: false } as const;

/** What both surfaces say of each kind: its name in an operation, its rows, the filters it takes, and a request for each operation. */
const KINDS = {
  b2b: {
    title: 'B2b',
    rows: 'B2B leads (people at companies)',
    shape: SHAPES.B2bLead,
    filterText:
      'keywords (`q`, over name, title and company), job titles, seniorities, departments, industries, company size (a range of employees, or several), company domains, countries, cities, has email, has phone.',
    search: {
      filters: {
        q: 'engineering',
        job_titles: ['CTO', 'VP Engineering'],
        seniorities: ['c_suite', 'vp'],
        countries: ['DE', 'AT'],
        company_size: { min: 51, max: 200 },
        has_email: true,
      },
      limit: 25,
      max_credits: 25,
    },
    count: { filters: { job_titles: ['CTO'], countries: ['DE'] } },
  },
  local: {
    title: 'Local',
    rows: 'local leads (businesses as on a map)',
    shape: SHAPES.LocalLead,
    filterText: `keywords (\`q\`, over name, category and city), categories, countries, cities, near (a point and a radius of up to ${MAX_RADIUS_KM} km), minimum rating, minimum reviews, has website, has phone, has email.`,
    search: {
      filters: { categories: ['Cafe'], near: { lat: 52.52, lng: 13.405, radius_km: 10 }, min_rating: 4.5, has_website: true },
      limit: 25,
    },
    count: { filters: { categories: ['Cafe'], cities: ['Berlin'] } },
  },
  creators: {
    title: 'Creator',
    rows: 'creator leads (social-media creators)',
    shape: SHAPES.CreatorLead,
    filterText:
      'keywords (`q`, over display name, handle and niches), platforms, followers (a range), engagement rate (a range of fractions: 0.05 is 5%), niches, countries, languages, has email, verified.',
    search: {
      filters: {
        platforms: ['instagram', 'tiktok'],
        followers: { min: 10_000, max: 500_000 },
        engagement_rate: { min: 0.03 },
        niches: ['fitness'],
        has_email: true,
      },
      limit: 25,
    },
    count: { filters: { platforms: ['youtube'], followers: { min: 100_000 } } },
  },
} as const satisfies Record<LeadKind, { title: string; rows: string; shape: z.ZodType; filterText: string; search: object; count: object }>;

const FILTER_RULES = `Filters combine with AND; a list matches any of its values, case-insensitively. An unknown filter, a range with min over max, a radius over ${MAX_RADIUS_KM} km or a page of more than 100 rows is a validation_error naming the field.`;

function searchOperation<K extends LeadKind>(kind: K): Operation & { kind: 'query' } {
  const k = KINDS[kind];
  return defineOperation({
    ...read,
    name: `search${k.title}Leads`,
    summary: `Search ${k.rows}: a page of rows in a stable order, each costing 1 credit unless the workspace unlocked it before.`,
    description: [
      `Filters: ${k.filterText} ${FILTER_RULES}`,
      'The rows are unlocked and paid for before they are returned: a search the balance cannot cover answers insufficient_credits and returns and charges nothing; `charged` says which rows this request paid for. A credit cap (max credits) stops the page before the row that would pass it, and the answer says more rows follow. Each page continues from the cursor of the one before, never skipping or repeating a row.',
    ].join('\n\n'),
    credits: { kind: 'per_row', perRow: 1, free: 'rows the workspace unlocked before' },
    input: SEARCH_INPUTS[kind],
    output: page(k.shape),
    errors: ['insufficient_credits'],
    rest: { method: 'POST', path: `/v1/leads/${kind}/search` },
    examples: { request: k.search },
  });
}

function countOperation<K extends LeadKind>(kind: K): Operation & { kind: 'query' } {
  const k = KINDS[kind];
  return defineOperation({
    ...read,
    name: `count${k.title}Leads`,
    summary: `How many ${k.rows} match the filters: free, and unlocks nothing.`,
    description: `Filters as for the search: ${k.filterText} ${FILTER_RULES}`,
    credits: { kind: 'none' },
    reportsCredits: true,
    input: COUNT_INPUTS[kind],
    output: one(SHAPES.LeadCount),
    rest: { method: 'POST', path: `/v1/leads/${kind}/count` },
    examples: { request: k.count },
  });
}

export const searchB2bLeads = searchOperation('b2b');
export const countB2bLeads = countOperation('b2b');
export const searchLocalLeads = searchOperation('local');
export const countLocalLeads = countOperation('local');
export const searchCreatorLeads = searchOperation('creators');
export const countCreatorLeads = countOperation('creators');

/** By kind, for the surfaces that serve all three alike. */
export const SEARCH_OPERATIONS = { b2b: searchB2bLeads, local: searchLocalLeads, creators: searchCreatorLeads } as const;
export const COUNT_OPERATIONS = { b2b: countB2bLeads, local: countLocalLeads, creators: countCreatorLeads } as const;
