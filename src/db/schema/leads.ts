import { sql, type SQL } from 'drizzle-orm';
import { bigint, boolean, customType, doublePrecision, index, integer, pgTable, primaryKey, real, text } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { workspaces } from './workspaces.js';

/**
 * Leads are the operator's dataset, shared by every workspace: a workspace buys rows, it does not
 * own them, so these tables carry no workspace id. A row's `id` is derived from its kind and its
 * `external_id` (the importer's stable id), so re-importing a file updates rows instead of adding
 * them, and the same rows get the same ids on every machine. Results are ordered by `id`.
 */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Words to match `q` against, in the `simple` configuration: names and handles are not English. */
const words = (...parts: SQL[]) =>
  sql`to_tsvector('simple', ${sql.join(
    parts.map((p) => sql`coalesce(${p}, '')`),
    sql` || ' ' || `,
  )})`;

export const leadsB2b = pgTable(
  'leads_b2b',
  {
    id: text('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    title: text('title'),
    /** owner, c_suite, partner, vp, director, manager, senior, entry */
    seniority: text('seniority'),
    department: text('department'),
    email: text('email'),
    phone: text('phone'),
    linkedinUrl: text('linkedin_url'),
    city: text('city'),
    region: text('region'),
    /** ISO 3166-1 alpha-2, upper case. */
    country: text('country'),
    companyName: text('company_name'),
    companyDomain: text('company_domain'),
    industry: text('industry'),
    /** Employee count. */
    companySize: integer('company_size'),
    revenueRange: text('revenue_range'),
    companyCity: text('company_city'),
    companyCountry: text('company_country'),
    updatedAt: ts('updated_at').notNull(),
    search: tsvector('search').generatedAlwaysAs((): SQL => words(sql`first_name`, sql`last_name`, sql`title`, sql`company_name`)),
    titleSearch: tsvector('title_search').generatedAlwaysAs((): SQL => words(sql`title`)),
  },
  (t) => [
    index('leads_b2b_search_idx').using('gin', t.search),
    index('leads_b2b_title_search_idx').using('gin', t.titleSearch),
    index('leads_b2b_country_idx').on(sql`lower(${t.country})`),
    index('leads_b2b_city_idx').on(sql`lower(${t.city})`),
    index('leads_b2b_seniority_idx').on(t.seniority),
    index('leads_b2b_department_idx').on(sql`lower(${t.department})`),
    index('leads_b2b_industry_idx').on(sql`lower(${t.industry})`),
    index('leads_b2b_company_domain_idx').on(sql`lower(${t.companyDomain})`),
    index('leads_b2b_company_size_idx').on(t.companySize),
  ],
);

export const leadsLocal = pgTable(
  'leads_local',
  {
    id: text('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    name: text('name').notNull(),
    category: text('category'),
    address: text('address'),
    city: text('city'),
    region: text('region'),
    country: text('country'),
    postalCode: text('postal_code'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    phone: text('phone'),
    website: text('website'),
    email: text('email'),
    /** 0 to 5. */
    rating: real('rating'),
    reviewCount: integer('review_count'),
    updatedAt: ts('updated_at').notNull(),
    search: tsvector('search').generatedAlwaysAs((): SQL => words(sql`name`, sql`category`, sql`city`)),
  },
  (t) => [
    index('leads_local_search_idx').using('gin', t.search),
    index('leads_local_category_idx').on(sql`lower(${t.category})`),
    index('leads_local_country_idx').on(sql`lower(${t.country})`),
    index('leads_local_city_idx').on(sql`lower(${t.city})`),
    index('leads_local_position_idx').on(t.latitude, t.longitude),
    index('leads_local_rating_idx').on(t.rating),
  ],
);

export const leadsCreator = pgTable(
  'leads_creator',
  {
    id: text('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    displayName: text('display_name'),
    handle: text('handle').notNull(),
    /** instagram, tiktok, youtube, twitch, x */
    platform: text('platform').notNull(),
    profileUrl: text('profile_url'),
    followers: bigint('followers', { mode: 'number' }).notNull(),
    /** Interactions per post over followers, as a fraction (0.034 is 3.4%). */
    engagementRate: doublePrecision('engagement_rate'),
    niches: text('niches').array().notNull().default(sql`'{}'::text[]`),
    country: text('country'),
    language: text('language'),
    email: text('email'),
    verified: boolean('verified').notNull().default(false),
    updatedAt: ts('updated_at').notNull(),
    // Niches are stored in lower case, so their words match as they are (array_to_tsvector, unlike
    // array_to_string, may be used in a generated column).
    search: tsvector('search').generatedAlwaysAs((): SQL => sql`${words(sql`display_name`, sql`handle`)} || array_to_tsvector(niches)`),
  },
  (t) => [
    index('leads_creator_search_idx').using('gin', t.search),
    index('leads_creator_platform_idx').on(t.platform),
    index('leads_creator_followers_idx').on(t.followers),
    index('leads_creator_engagement_idx').on(t.engagementRate),
    index('leads_creator_niches_idx').using('gin', t.niches),
    index('leads_creator_country_idx').on(sql`lower(${t.country})`),
    index('leads_creator_language_idx').on(sql`lower(${t.language})`),
  ],
);

/**
 * The leads a workspace has paid for: a row it unlocked is never charged to it again. Lead ids
 * carry their kind in their prefix, so one table serves the three kinds.
 */
export const leadUnlocks = pgTable(
  'lead_unlocks',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    leadId: text('lead_id').notNull(),
    unlockedAt: ts('unlocked_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.leadId] })],
);

export type B2bLeadRow = typeof leadsB2b.$inferSelect;
export type LocalLeadRow = typeof leadsLocal.$inferSelect;
export type CreatorLeadRow = typeof leadsCreator.$inferSelect;

/**
 * A counter per lead kind, raised by triggers (in the same transaction) whenever a statement
 * changes that kind's rows, however it was written: the in-memory search index is used only
 * while its version is the one here, so it never answers from rows that have changed.
 */
export const leadVersions = pgTable('lead_versions', {
  kind: text('kind').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});
