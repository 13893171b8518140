import { errors } from '../../domain/errors.js';
import { DEFAULT_LEAD_PAGE, type LeadKind, MAX_RADIUS_KM, PLATFORMS, SENIORITIES } from '../../domain/leads/inputs.js';
import { MAX_PAGE_SIZE } from '../../domain/pagination.js';
import { LEAD_KINDS_DEF } from '../../domain/leads/kinds.js';
import { countLeads, type LeadSearchResult, type SearchedLead, searchLeads } from '../../domain/leads/search.js';
import * as op from '../../operations/leads.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { rootOperation } from '../declared.js';
import { listConnection } from '../pagination.js';

/**
 * Leads are no Relay nodes on purpose: a lookup by id would hand out a row without the search
 * that unlocks and charges it.
 */

/** A GraphQL enum of the domain's values, each named in upper case: the domain's list is the one source of both. */
const domainEnum = (name: string, values: readonly string[]) =>
  builder.enumType(name, { values: Object.fromEntries(values.map((value) => [value.toUpperCase(), { value }])) });

const SeniorityEnum = domainEnum('Seniority', SENIORITIES);
const PlatformEnum = domainEnum('CreatorPlatform', PLATFORMS);

const CHARGED = 'Whether this request paid for the row (false: the workspace had unlocked it before).';
const ID = 'Stable across imports: derived from the kind and the external id.';
const COUNTRY = 'ISO 3166-1 alpha-2.';

const B2bLeadRef = builder.objectRef<SearchedLead<'b2b'>>('B2bLead').implement({
  description: 'A person at a company, as a search returned it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: ID }),
    externalId: t.exposeString('externalId', { description: "The importer's id of the row." }),
    firstName: t.exposeString('firstName', { nullable: true }),
    lastName: t.exposeString('lastName', { nullable: true }),
    title: t.exposeString('title', { nullable: true }),
    seniority: t.field({ type: SeniorityEnum, nullable: true, resolve: (r) => r.seniority }),
    department: t.exposeString('department', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    linkedinUrl: t.exposeString('linkedinUrl', { nullable: true }),
    city: t.exposeString('city', { nullable: true }),
    region: t.exposeString('region', { nullable: true }),
    country: t.exposeString('country', { nullable: true, description: COUNTRY }),
    companyName: t.exposeString('companyName', { nullable: true }),
    companyDomain: t.exposeString('companyDomain', { nullable: true }),
    industry: t.exposeString('industry', { nullable: true }),
    companySize: t.exposeInt('companySize', { nullable: true, description: 'Employees.' }),
    revenueRange: t.exposeString('revenueRange', { nullable: true }),
    companyCity: t.exposeString('companyCity', { nullable: true }),
    companyCountry: t.exposeString('companyCountry', { nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the row was last imported.' }),
    charged: t.exposeBoolean('charged', { description: CHARGED }),
  }),
});

const LocalLeadRef = builder.objectRef<SearchedLead<'local'>>('LocalLead').implement({
  description: 'A business as on a map, as a search returned it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: ID }),
    externalId: t.exposeString('externalId', { description: "The importer's id of the row." }),
    name: t.exposeString('name'),
    category: t.exposeString('category', { nullable: true }),
    address: t.exposeString('address', { nullable: true }),
    city: t.exposeString('city', { nullable: true }),
    region: t.exposeString('region', { nullable: true }),
    country: t.exposeString('country', { nullable: true, description: COUNTRY }),
    postalCode: t.exposeString('postalCode', { nullable: true }),
    latitude: t.exposeFloat('latitude', { nullable: true }),
    longitude: t.exposeFloat('longitude', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    website: t.exposeString('website', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    rating: t.exposeFloat('rating', { nullable: true, description: '0 to 5.' }),
    reviewCount: t.exposeInt('reviewCount', { nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the row was last imported.' }),
    charged: t.exposeBoolean('charged', { description: CHARGED }),
  }),
});

const CreatorLeadRef = builder.objectRef<SearchedLead<'creators'>>('CreatorLead').implement({
  description: 'A social-media creator, as a search returned it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: ID }),
    externalId: t.exposeString('externalId', { description: "The importer's id of the row." }),
    displayName: t.exposeString('displayName', { nullable: true }),
    handle: t.exposeString('handle'),
    platform: t.field({ type: PlatformEnum, resolve: (r) => r.platform }),
    profileUrl: t.exposeString('profileUrl', { nullable: true }),
    followers: t.exposeInt('followers'),
    engagementRate: t.exposeFloat('engagementRate', { nullable: true, description: 'A fraction: 0.045 is 4.5%.' }),
    niches: t.exposeStringList('niches', { description: 'Lower case.' }),
    country: t.exposeString('country', { nullable: true, description: COUNTRY }),
    language: t.exposeString('language', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    verified: t.exposeBoolean('verified'),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the row was last imported.' }),
    charged: t.exposeBoolean('charged', { description: CHARGED }),
  }),
});

const IntRange = builder.inputType('IntRange', {
  description: 'Inclusive bounds; give min, max or both (min at most max).',
  fields: (t) => ({ min: t.int(), max: t.int() }),
});

const FloatRange = builder.inputType('FloatRange', {
  description: 'Inclusive bounds; give min, max or both (min at most max).',
  fields: (t) => ({ min: t.float(), max: t.float() }),
});

const NearInput = builder.inputType('NearInput', {
  description: `Within radiusKm (more than 0, at most ${MAX_RADIUS_KM}) of a point, by great-circle distance.`,
  fields: (t) => ({
    lat: t.float({ required: true, description: '-90 to 90.' }),
    lng: t.float({ required: true, description: '-180 to 180.' }),
    radiusKm: t.float({ required: true }),
  }),
});

const ANY = 'Any of these, case-insensitively.';

const B2bLeadFilter = builder.inputType('B2bLeadFilter', {
  description: 'Every filter given must hold (AND); a list matches any of its values (OR).',
  fields: (t) => ({
    q: t.string({ description: 'Keywords over name, title and company.' }),
    jobTitles: t.stringList({ description: 'Titles holding any of these phrases.' }),
    seniorities: t.field({ type: [SeniorityEnum] }),
    departments: t.stringList({ description: ANY }),
    industries: t.stringList({ description: ANY }),
    companySize: t.field({ type: [IntRange], description: 'Employee count in any of these ranges; one range may be given as it is.' }),
    companyDomains: t.stringList({ description: ANY }),
    countries: t.stringList({ description: `${ANY} ${COUNTRY}` }),
    cities: t.stringList({ description: ANY }),
    hasEmail: t.boolean(),
    hasPhone: t.boolean(),
  }),
});

const LocalLeadFilter = builder.inputType('LocalLeadFilter', {
  description: 'Every filter given must hold (AND); a list matches any of its values (OR).',
  fields: (t) => ({
    q: t.string({ description: 'Keywords over name, category and city.' }),
    categories: t.stringList({ description: ANY }),
    countries: t.stringList({ description: `${ANY} ${COUNTRY}` }),
    cities: t.stringList({ description: ANY }),
    near: t.field({ type: NearInput }),
    minRating: t.float({ description: '0 to 5.' }),
    minReviews: t.int(),
    hasWebsite: t.boolean(),
    hasPhone: t.boolean(),
    hasEmail: t.boolean(),
  }),
});

const CreatorLeadFilter = builder.inputType('CreatorLeadFilter', {
  description: 'Every filter given must hold (AND); a list matches any of its values (OR).',
  fields: (t) => ({
    q: t.string({ description: 'Keywords over display name, handle and niches.' }),
    platforms: t.field({ type: [PlatformEnum] }),
    followers: t.field({ type: IntRange }),
    engagementRate: t.field({ type: FloatRange, description: 'A fraction: 0.05 is 5%.' }),
    niches: t.stringList({ description: ANY }),
    countries: t.stringList({ description: `${ANY} ${COUNTRY}` }),
    languages: t.stringList({ description: ANY }),
    hasEmail: t.boolean(),
    verified: t.boolean(),
  }),
});

/** GraphQL passes a field given as null; the domain reads an absent one. Both mean "no filter". */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === null || v === undefined ? [] : [[k, withoutNulls(v)]])));
}

/** The domain's filters from GraphQL's: a one-range companySize as the range itself, so an error names it as the caller wrote it. */
function domainFilters(filter: object | null | undefined): object | undefined {
  const f = withoutNulls(filter ?? undefined) as Record<string, unknown> | undefined;
  if (f && Array.isArray(f.companySize) && f.companySize.length === 1) f.companySize = f.companySize[0];
  return f;
}

/** The domain names the filters `filters`, as REST does; GraphQL's argument is `filter`. */
const asFilterArg = (err: unknown) => errors.renamed(err, 'filters', 'filter');

const CountRef = builder.objectRef<{ total: number }>('LeadCount').implement({
  description: 'How many leads match; counting unlocks and charges nothing.',
  fields: (t) => ({ total: t.exposeInt('total') }),
});

const KIND_TYPES = {
  b2b: { node: B2bLeadRef, filter: B2bLeadFilter, name: 'B2bLead' },
  local: { node: LocalLeadRef, filter: LocalLeadFilter, name: 'LocalLead' },
  creators: { node: CreatorLeadRef, filter: CreatorLeadFilter, name: 'CreatorLead' },
} as const;

/** The search and count queries of one kind: a connection of rows that also says what the page cost, and `{ total }`. */
function kindQueries(kind: LeadKind): void {
  const types = KIND_TYPES[kind];
  const searchOp = op.SEARCH_OPERATIONS[kind];
  const pages = listConnection(searchOp.name, LEAD_KINDS_DEF[kind].list);
  const Connection = builder.connectionObject(
    {
      type: types.node,
      name: `${types.name}SearchConnection`,
      description: 'One page of a search: its rows in a stable order, and the credits it spent.',
      fields: (t) => ({
        creditsUsed: t.int({
          description: 'Credits this request spent: 1 per row newly unlocked (also in extensions.credits_used).',
          resolve: (c) => (c as unknown as { creditsUsed: number }).creditsUsed,
        }),
      }),
    },
    { name: `${types.name}SearchEdge` },
  );

  rootOperation(searchOp, (t, declared) =>
    t.field({
      ...declared,
      type: Connection,
      args: {
        filter: t.arg({ type: types.filter }),
        first: t.arg.int({ description: `Rows in the page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_LEAD_PAGE}).` }),
        after: t.arg.string({ description: 'The endCursor of the previous page, unchanged.' }),
        maxCredits: t.arg.int({ description: 'The most this request may spend: the page stops before the row that would pass it.' }),
      },
      resolve: async (_r, args, ctx: GraphQLContext) => {
        let found: LeadSearchResult<LeadKind> | undefined;
        const connection = await pages.resolve(args, async (page) => {
          const input = { filters: domainFilters(args.filter), limit: page.limit, cursor: page.cursor, maxCredits: args.maxCredits ?? undefined };
          const result = await searchLeads(ctx.service(), kind, input).catch((err: unknown) => Promise.reject(asFilterArg(err)));
          found = result;
          return result;
        });
        // A page cut to no rows by maxCredits still has a place to continue from: the cursor it was asked for.
        const endCursor = connection.pageInfo.endCursor ?? (found?.hasMore ? found.nextCursor : null);
        return { ...connection, pageInfo: { ...connection.pageInfo, endCursor }, creditsUsed: found?.creditsUsed ?? 0 };
      },
    }),
  );

  rootOperation(op.COUNT_OPERATIONS[kind], (t, declared) =>
    t.field({
      ...declared,
      type: CountRef,
      args: { filter: t.arg({ type: types.filter as never }) },
      resolve: (_r, args, ctx) =>
        countLeads(ctx.service(), kind, { filters: domainFilters(args.filter) }).catch((err: unknown) => Promise.reject(asFilterArg(err))),
    }),
  );
}

kindQueries('b2b');
kindQueries('local');
kindQueries('creators');
