/**
 * What the in-memory index holds of each lead kind, and how each filter reads it. Every filter
 * the SQL conditions (kinds.ts) know must be translated here, or the index declines the query
 * (translate() returns null) and PostgreSQL answers it: a filter is never silently ignored.
 * The equivalence tests compare both answers for every filter.
 */
import { sql, type SQL } from 'drizzle-orm';
import { leadsB2b, leadsCreator, leadsLocal } from '../../../db/schema.js';
import type { LeadFilters, LeadKind } from '../inputs.js';

export type FieldSpec =
  /** Compared for equality with a filter's values (lower-cased in SQL where the filter is case-insensitive); null matches nothing. */
  | { type: 'value'; sql: SQL }
  /** A text[] as JSON (drivers differ in how they hand arrays over): a filter's value matches a row holding it. */
  | { type: 'values'; sql: SQL }
  /** A boolean that is never null. */
  | { type: 'flag'; sql: SQL }
  /** A number as float8 (exact for the integer, bigint, real and float8 columns used); null matches nothing. */
  | { type: 'number'; sql: SQL }
  /** A tsvector as its text: the keywords matched by tsquery filters. */
  | { type: 'words'; sql: SQL };

const lower = (c: SQL | unknown) => sql`lower(${c})`;
const present = (c: unknown) => sql`(${c} is not null and ${c} <> '')`;
const float = (c: unknown) => sql`${c}::float8`;
const text = (c: unknown) => sql`${c}::text`;

export const INDEX_FIELDS = {
  b2b: {
    seniority: { type: 'value', sql: sql`${leadsB2b.seniority}` },
    department: { type: 'value', sql: lower(leadsB2b.department) },
    industry: { type: 'value', sql: lower(leadsB2b.industry) },
    companyDomain: { type: 'value', sql: lower(leadsB2b.companyDomain) },
    country: { type: 'value', sql: lower(leadsB2b.country) },
    city: { type: 'value', sql: lower(leadsB2b.city) },
    companySize: { type: 'number', sql: float(leadsB2b.companySize) },
    hasEmail: { type: 'flag', sql: present(leadsB2b.email) },
    hasPhone: { type: 'flag', sql: present(leadsB2b.phone) },
    search: { type: 'words', sql: text(leadsB2b.search) },
    title: { type: 'words', sql: text(leadsB2b.titleSearch) },
  },
  local: {
    category: { type: 'value', sql: lower(leadsLocal.category) },
    country: { type: 'value', sql: lower(leadsLocal.country) },
    city: { type: 'value', sql: lower(leadsLocal.city) },
    latitude: { type: 'number', sql: float(leadsLocal.latitude) },
    longitude: { type: 'number', sql: float(leadsLocal.longitude) },
    // real widened to float8 is exact; the filter's bound is rounded to real as SQL's `::real` does (see minRating).
    rating: { type: 'number', sql: float(leadsLocal.rating) },
    reviewCount: { type: 'number', sql: float(leadsLocal.reviewCount) },
    hasWebsite: { type: 'flag', sql: present(leadsLocal.website) },
    hasPhone: { type: 'flag', sql: present(leadsLocal.phone) },
    hasEmail: { type: 'flag', sql: present(leadsLocal.email) },
    search: { type: 'words', sql: text(leadsLocal.search) },
  },
  creators: {
    platform: { type: 'value', sql: sql`${leadsCreator.platform}` },
    followers: { type: 'number', sql: float(leadsCreator.followers) },
    engagementRate: { type: 'number', sql: float(leadsCreator.engagementRate) },
    niches: { type: 'values', sql: sql`array_to_json(${leadsCreator.niches})::text` },
    country: { type: 'value', sql: lower(leadsCreator.country) },
    language: { type: 'value', sql: lower(leadsCreator.language) },
    hasEmail: { type: 'flag', sql: present(leadsCreator.email) },
    verified: { type: 'flag', sql: sql`${leadsCreator.verified}` },
    search: { type: 'words', sql: text(leadsCreator.search) },
  },
} as const satisfies Record<LeadKind, Record<string, FieldSpec>>;

export interface Range {
  min?: number;
  max?: number;
}

/** A tsquery as SQL makes it from a caller's text: `websearch_to_tsquery` or `phraseto_tsquery`, in the simple configuration. */
export interface TextQuery {
  fn: 'websearch' | 'phrase';
  text: string;
}

/** One condition on the index, in the order it is cheapest to apply. */
export type Step =
  | { type: 'in'; field: string; values: readonly string[] }
  | { type: 'flag'; field: string; want: boolean }
  /** Inclusive; either bound may be absent; a row matches any of the ranges. */
  | { type: 'ranges'; field: string; ranges: readonly Range[] }
  | { type: 'atLeast'; field: string; min: number }
  /** The row's words match any of the queries. */
  | { type: 'words'; field: string; queries: readonly TextQuery[] }
  | { type: 'near'; lat: number; lng: number; radiusKm: number };

const lowered = (values: readonly string[]) => values.map((v) => v.toLowerCase());

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Whether `x` is exactly the midpoint of two neighbouring 32-bit floats. */
export function halfwayBetweenFloats(x: number): boolean {
  const f = Math.fround(x);
  if (f === x || !Number.isFinite(f)) return false;
  // The float on x's other side: one step of the float's bits away from zero or towards it.
  f32[0] = f;
  u32[0] = u32[0]! + (x > f === f >= 0 ? 1 : -1);
  const g = f32[0]!;
  return x - f === g - x || f - x === x - g;
}
const rangesOf = (r: Range | readonly Range[]) => (Array.isArray(r) ? (r as readonly Range[]) : [r as Range]);

/** The index's steps for `filters`, or null when one of them is not one the index serves. */
export function translate(kind: LeadKind, filters: Record<string, unknown> | undefined): Step[] | null {
  const steps: Step[] = [];
  for (const [name, value] of Object.entries(filters ?? {})) {
    if (value === undefined) continue;
    const step = TRANSLATE[kind](name, value);
    if (!step) return null;
    steps.push(step);
  }
  return steps;
}

type B2b = LeadFilters['b2b'];
type Local = LeadFilters['local'];
type Creators = LeadFilters['creators'];

const TRANSLATE: Record<LeadKind, (name: string, value: unknown) => Step | null> = {
  b2b(name, value) {
    const f = { [name]: value } as B2b;
    switch (name as keyof B2b) {
      case 'q':
        return { type: 'words', field: 'search', queries: [{ fn: 'websearch', text: f.q! }] };
      case 'jobTitles':
        return { type: 'words', field: 'title', queries: f.jobTitles!.map((t) => ({ fn: 'phrase' as const, text: t })) };
      case 'seniorities':
        return { type: 'in', field: 'seniority', values: f.seniorities! };
      case 'departments':
        return { type: 'in', field: 'department', values: lowered(f.departments!) };
      case 'industries':
        return { type: 'in', field: 'industry', values: lowered(f.industries!) };
      case 'companyDomains':
        return { type: 'in', field: 'companyDomain', values: lowered(f.companyDomains!) };
      case 'countries':
        return { type: 'in', field: 'country', values: lowered(f.countries!) };
      case 'cities':
        return { type: 'in', field: 'city', values: lowered(f.cities!) };
      case 'companySize':
        return { type: 'ranges', field: 'companySize', ranges: rangesOf(f.companySize!) };
      case 'hasEmail':
        return { type: 'flag', field: 'hasEmail', want: f.hasEmail! };
      case 'hasPhone':
        return { type: 'flag', field: 'hasPhone', want: f.hasPhone! };
      default:
        return null;
    }
  },
  local(name, value) {
    const f = { [name]: value } as Local;
    switch (name as keyof Local) {
      case 'q':
        return { type: 'words', field: 'search', queries: [{ fn: 'websearch', text: f.q! }] };
      case 'categories':
        return { type: 'in', field: 'category', values: lowered(f.categories!) };
      case 'countries':
        return { type: 'in', field: 'country', values: lowered(f.countries!) };
      case 'cities':
        return { type: 'in', field: 'city', values: lowered(f.cities!) };
      case 'near':
        return { type: 'near', ...f.near! };
      case 'minRating': {
        // SQL casts the bound's decimal text to real in one rounding; rounding the number to a
        // double first and then to a float agrees except when the double lies exactly halfway
        // between two floats: that bound is left to SQL.
        const min = f.minRating!;
        return halfwayBetweenFloats(min) ? null : { type: 'atLeast', field: 'rating', min: Math.fround(min) };
      }
      case 'minReviews':
        return { type: 'atLeast', field: 'reviewCount', min: f.minReviews! };
      case 'hasWebsite':
        return { type: 'flag', field: 'hasWebsite', want: f.hasWebsite! };
      case 'hasPhone':
        return { type: 'flag', field: 'hasPhone', want: f.hasPhone! };
      case 'hasEmail':
        return { type: 'flag', field: 'hasEmail', want: f.hasEmail! };
      default:
        return null;
    }
  },
  creators(name, value) {
    const f = { [name]: value } as Creators;
    switch (name as keyof Creators) {
      case 'q':
        return { type: 'words', field: 'search', queries: [{ fn: 'websearch', text: f.q! }] };
      case 'platforms':
        return { type: 'in', field: 'platform', values: f.platforms! };
      case 'followers':
        return { type: 'ranges', field: 'followers', ranges: [f.followers!] };
      case 'engagementRate':
        return { type: 'ranges', field: 'engagementRate', ranges: [f.engagementRate!] };
      case 'niches':
        return { type: 'in', field: 'niches', values: lowered(f.niches!) };
      case 'countries':
        return { type: 'in', field: 'country', values: lowered(f.countries!) };
      case 'languages':
        return { type: 'in', field: 'language', values: lowered(f.languages!) };
      case 'hasEmail':
        return { type: 'flag', field: 'hasEmail', want: f.hasEmail! };
      case 'verified':
        return { type: 'flag', field: 'verified', want: f.verified! };
      default:
        return null;
    }
  },
};
