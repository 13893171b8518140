import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../pagination.js';

/** The three kinds of lead, as the REST paths spell them. */
export const LEAD_KINDS = ['b2b', 'local', 'creators'] as const;
export type LeadKind = (typeof LEAD_KINDS)[number];

export const SENIORITIES = ['owner', 'c_suite', 'partner', 'vp', 'director', 'manager', 'senior', 'entry'] as const;
export const PLATFORMS = ['instagram', 'tiktok', 'youtube', 'twitch', 'x'] as const;

const MAX_VALUES = 50;
const text = (what: string, max = 200) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, { error: `must be ${what}, not empty` })
    .max(max, { error: `must be at most ${max} characters` });

/** A list of values of which a row must match any (case-insensitive). */
const anyOf = (what: string, plural = `${what}s`) =>
  z
    .array(text(what, 120), { error: `must be an array of ${plural}` })
    .min(1, { error: `must hold at least one ${what}` })
    .max(MAX_VALUES, { error: `must hold at most ${MAX_VALUES} values` });

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .array(z.enum(values, { error: `must be one of ${values.join(', ')}` }), { error: `must be an array of: ${values.join(', ')}` })
    .min(1, { error: 'must hold at least one value' })
    .max(values.length, { error: `must hold at most ${values.length} values` });

const flag = z.boolean({ error: 'must be true or false' });

/** `{min, max}`, either optional, min <= max. */
function range(what: string, bounds: { min: number; max: number; int: boolean }) {
  const bound = (
    bounds.int ? z.number({ error: `must be a whole ${what}` }).int({ error: `must be a whole ${what}` }) : z.number({ error: `must be a ${what}` })
  )
    .min(bounds.min, { error: `must be at least ${bounds.min}` })
    .max(bounds.max, { error: `must be at most ${bounds.max}` });
  return (
    z
      .strictObject({ min: bound.optional(), max: bound.optional() }, { error: 'must be an object with min and/or max' })
      .refine((r) => r.min !== undefined || r.max !== undefined, { error: 'must give min, max or both' })
      // Named at `min`, so the error names a field the caller wrote (filters.company_size.min).
      .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { path: ['min'], error: 'must be at most max' })
  );
}

const keywords = text('keywords');

export const b2bFilters = z.strictObject(
  {
    q: keywords.optional(),
    jobTitles: anyOf('job title').optional(),
    seniorities: enumOf(SENIORITIES).optional(),
    departments: anyOf('department').optional(),
    industries: anyOf('industry', 'industries').optional(),
    /** One range, or several of which a company must fall in any. */
    companySize: z
      .union(
        [
          range('employee count', { min: 0, max: 10_000_000, int: true }),
          z
            .array(range('employee count', { min: 0, max: 10_000_000, int: true }))
            .min(1)
            .max(10),
        ],
        {
          error: 'must be {"min","max"} or an array of them',
        },
      )
      .optional(),
    companyDomains: anyOf('domain').optional(),
    countries: anyOf('country', 'countries').optional(),
    cities: anyOf('city', 'cities').optional(),
    hasEmail: flag.optional(),
    hasPhone: flag.optional(),
  },
  { error: 'must be an object of filters' },
);

export const MAX_RADIUS_KM = 500;

export const localFilters = z.strictObject(
  {
    q: keywords.optional(),
    categories: anyOf('category', 'categories').optional(),
    countries: anyOf('country', 'countries').optional(),
    cities: anyOf('city', 'cities').optional(),
    near: z
      .strictObject(
        {
          lat: z.number({ error: 'must be a latitude' }).min(-90, { error: 'must be -90 to 90' }).max(90, { error: 'must be -90 to 90' }),
          lng: z.number({ error: 'must be a longitude' }).min(-180, { error: 'must be -180 to 180' }).max(180, { error: 'must be -180 to 180' }),
          radiusKm: z
            .number({ error: 'must be a distance in km' })
            .gt(0, { error: 'must be more than 0' })
            .max(MAX_RADIUS_KM, { error: `must be at most ${MAX_RADIUS_KM} km` }),
        },
        { error: 'must be an object with lat, lng and radius_km' },
      )
      .optional(),
    minRating: z.number({ error: 'must be a rating' }).min(0, { error: 'must be 0 to 5' }).max(5, { error: 'must be 0 to 5' }).optional(),
    minReviews: z
      .number({ error: 'must be a whole number' })
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be at least 0' })
      .max(2_147_483_647, { error: 'must be at most 2147483647' })
      .optional(),
    hasWebsite: flag.optional(),
    hasPhone: flag.optional(),
    hasEmail: flag.optional(),
  },
  { error: 'must be an object of filters' },
);

export const creatorFilters = z.strictObject(
  {
    q: keywords.optional(),
    platforms: enumOf(PLATFORMS).optional(),
    followers: range('follower count', { min: 0, max: Number.MAX_SAFE_INTEGER, int: true }).optional(),
    /** A fraction: 0.05 is 5%. */
    engagementRate: range('fraction (0.05 is 5%)', { min: 0, max: 1, int: false }).optional(),
    niches: anyOf('niche').optional(),
    countries: anyOf('country', 'countries').optional(),
    languages: anyOf('language').optional(),
    hasEmail: flag.optional(),
    verified: flag.optional(),
  },
  { error: 'must be an object of filters' },
);

export const FILTERS = { b2b: b2bFilters, local: localFilters, creators: creatorFilters } as const;
export type LeadFilters = { b2b: z.output<typeof b2bFilters>; local: z.output<typeof localFilters>; creators: z.output<typeof creatorFilters> };

export const DEFAULT_LEAD_PAGE = 25;

const searchFields = {
  limit: z
    .number({ error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .int({ error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .min(1, { error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .max(MAX_PAGE_SIZE, { error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .optional(),
  cursor: z.string({ error: 'must be a string' }).nullish(),
  /** The most this request may spend: the page stops before the row that would pass it. */
  maxCredits: z
    .number({ error: 'must be a whole number of credits' })
    .int({ error: 'must be a whole number of credits' })
    .min(0, { error: 'must be at least 0' })
    .optional(),
};

const searchInput = <F extends z.ZodType>(filters: F) => z.strictObject({ filters: filters.optional(), ...searchFields }, { error: 'must be a JSON object' });
const countInput = <F extends z.ZodType>(filters: F) => z.strictObject({ filters: filters.optional() }, { error: 'must be a JSON object' });

export const searchB2bInput = searchInput(b2bFilters);
export const searchLocalInput = searchInput(localFilters);
export const searchCreatorsInput = searchInput(creatorFilters);
export const countB2bInput = countInput(b2bFilters);
export const countLocalInput = countInput(localFilters);
export const countCreatorsInput = countInput(creatorFilters);

export const SEARCH_INPUTS = { b2b: searchB2bInput, local: searchLocalInput, creators: searchCreatorsInput } as const;
export const COUNT_INPUTS = { b2b: countB2bInput, local: countLocalInput, creators: countCreatorsInput } as const;

export type SearchInput<K extends LeadKind> = z.input<(typeof SEARCH_INPUTS)[K]>;
export type CountInput<K extends LeadKind> = z.input<(typeof COUNT_INPUTS)[K]>;
