import { createHash } from 'node:crypto';
import { getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { leadsB2b, leadsCreator, leadsLocal, type B2bLeadRow, type CreatorLeadRow, type LocalLeadRow } from '../../db/schema.js';
import { pagedList, type PagedList } from '../pagination.js';
import { DEFAULT_LEAD_PAGE, type LeadFilters, type LeadKind } from './inputs.js';

/** A lead id says its kind: `b2b_…`, `loc_…`, `cre_…`. */
export const LEAD_ID_PREFIX = { b2b: 'b2b', local: 'loc', creators: 'cre' } as const satisfies Record<LeadKind, string>;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A lead's id, from its kind and the importer's external id: the same row gets the same id on
 * every import and every machine, so re-importing updates rows instead of duplicating them.
 * 20 base32 characters are 100 bits of SHA-256: no two of billions of rows collide in practice.
 */
export function leadId(kind: LeadKind, externalId: string): string {
  const digest = createHash('sha256').update(`${kind}:${externalId}`).digest();
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 20) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === 20) break;
  }
  return `${LEAD_ID_PREFIX[kind]}_${out}`;
}

export function kindOfLeadId(id: string): LeadKind | undefined {
  const prefix = id.slice(0, id.indexOf('_'));
  return (Object.keys(LEAD_ID_PREFIX) as LeadKind[]).find((k) => LEAD_ID_PREFIX[k] === prefix);
}

/** Values compared case-insensitively: `lower(column) IN (…)`, which the lower() indexes serve. */
const anyLower = (column: PgColumn, values: readonly string[]): SQL =>
  sql`lower(${column}) in (${sql.join(
    values.map((v) => sql`${v.toLowerCase()}`),
    sql`, `,
  )})`;

const present = (column: PgColumn, wanted: boolean): SQL =>
  wanted ? sql`(${column} is not null and ${column} <> '')` : sql`(${column} is null or ${column} = '')`;

const keywords = (vector: SQL | PgColumn, q: string): SQL => sql`${vector} @@ websearch_to_tsquery('simple', ${q})`;

function between(column: PgColumn, r: { min?: number; max?: number }): SQL {
  if (r.min !== undefined && r.max !== undefined) return sql`${column} between ${r.min} and ${r.max}`;
  return r.min !== undefined ? sql`${column} >= ${r.min}` : sql`${column} <= ${r.max}`;
}

const omitSearch = <C extends Record<string, unknown>>(columns: C) => {
  const { search: _s, titleSearch: _t, ...rest } = columns as C & { search?: unknown; titleSearch?: unknown };
  return rest as Omit<C, 'search' | 'titleSearch'>;
};

/** What a lead is, as both surfaces show it: every column but the keyword vectors. */
export type B2bLead = Omit<B2bLeadRow, 'search' | 'titleSearch'>;
export type LocalLead = Omit<LocalLeadRow, 'search'>;
export type CreatorLead = Omit<CreatorLeadRow, 'search'>;
export interface LeadOf {
  b2b: B2bLead;
  local: LocalLead;
  creators: CreatorLead;
}

const idCursor = (kind: LeadKind) =>
  z
    .string()
    .max(64)
    .refine((s) => s.startsWith(`${LEAD_ID_PREFIX[kind]}_`));

export const EARTH_KM = 6371.0088;
const KM_PER_DEGREE = (Math.PI * EARTH_KM) / 180;

/**
 * The box around a point that holds every place within `radiusKm`: its latitudes, and its
 * longitudes unless the box wraps past the antimeridian or a pole (then only the exact distance decides).
 */
export function nearBox(n: { lat: number; lng: number; radiusKm: number }): { latMin: number; latMax: number; lng: { min: number; max: number } | null } {
  const dLat = n.radiusKm / KM_PER_DEGREE;
  const cosLat = Math.cos((n.lat * Math.PI) / 180);
  const dLng = cosLat > 1e-6 ? n.radiusKm / (KM_PER_DEGREE * cosLat) : 360;
  const wraps = !(n.lng - dLng >= -180 && n.lng + dLng <= 180 && n.lat + dLat < 90 && n.lat - dLat > -90);
  return { latMin: n.lat - dLat, latMax: n.lat + dLat, lng: wraps ? null : { min: n.lng - dLng, max: n.lng + dLng } };
}

/** Within `radiusKm` of a point: a bounding box the (latitude, longitude) index serves, then the exact great-circle distance. */
function near(n: { lat: number; lng: number; radiusKm: number }): SQL[] {
  const t = leadsLocal;
  const box = nearBox(n);
  const conds: SQL[] = [sql`${t.latitude} between ${box.latMin}::float8 and ${box.latMax}::float8`];
  if (box.lng) conds.push(sql`${t.longitude} between ${box.lng.min}::float8 and ${box.lng.max}::float8`);
  const lat = sql`${n.lat}::float8`;
  const lng = sql`${n.lng}::float8`;
  conds.push(
    sql`2 * ${sql.raw(String(EARTH_KM))} * asin(sqrt(power(sin(radians(${t.latitude} - ${lat}) / 2), 2) + cos(radians(${lat})) * cos(radians(${t.latitude})) * power(sin(radians(${t.longitude} - ${lng}) / 2), 2))) <= ${n.radiusKm}::float8`,
  );
  return conds;
}

export const LEAD_KINDS_DEF = {
  b2b: {
    table: leadsB2b,
    columns: omitSearch(getTableColumns(leadsB2b)),
    list: pagedList<{ id: string }>({
      name: 'leads_b2b',
      label: 'B2B leads',
      defaultLimit: DEFAULT_LEAD_PAGE,
      sort: [{ column: leadsB2b.id, order: 'asc', of: (r) => r.id, parse: idCursor('b2b') }],
    }),
    conditions(f: LeadFilters['b2b']): SQL[] {
      const t = leadsB2b;
      const c: SQL[] = [];
      if (f.q) c.push(keywords(t.search as unknown as PgColumn, f.q));
      if (f.jobTitles)
        c.push(
          sql`${t.titleSearch} @@ (${sql.join(
            f.jobTitles.map((title) => sql`phraseto_tsquery('simple', ${title})`),
            sql` || `,
          )})`,
        );
      if (f.seniorities) c.push(inArray(t.seniority, f.seniorities));
      if (f.departments) c.push(anyLower(t.department, f.departments));
      if (f.industries) c.push(anyLower(t.industry, f.industries));
      if (f.companySize) {
        const ranges = Array.isArray(f.companySize) ? f.companySize : [f.companySize];
        c.push(
          sql`(${sql.join(
            ranges.map((r) => between(t.companySize, r)),
            sql` or `,
          )})`,
        );
      }
      if (f.companyDomains) c.push(anyLower(t.companyDomain, f.companyDomains));
      if (f.countries) c.push(anyLower(t.country, f.countries));
      if (f.cities) c.push(anyLower(t.city, f.cities));
      if (f.hasEmail !== undefined) c.push(present(t.email, f.hasEmail));
      if (f.hasPhone !== undefined) c.push(present(t.phone, f.hasPhone));
      return c;
    },
  },
  local: {
    table: leadsLocal,
    columns: omitSearch(getTableColumns(leadsLocal)),
    list: pagedList<{ id: string }>({
      name: 'leads_local',
      label: 'local leads',
      defaultLimit: DEFAULT_LEAD_PAGE,
      sort: [{ column: leadsLocal.id, order: 'asc', of: (r) => r.id, parse: idCursor('local') }],
    }),
    conditions(f: LeadFilters['local']): SQL[] {
      const t = leadsLocal;
      const c: SQL[] = [];
      if (f.q) c.push(keywords(t.search as unknown as PgColumn, f.q));
      if (f.categories) c.push(anyLower(t.category, f.categories));
      if (f.countries) c.push(anyLower(t.country, f.countries));
      if (f.cities) c.push(anyLower(t.city, f.cities));
      if (f.near) c.push(...near(f.near));
      if (f.minRating !== undefined) c.push(sql`${t.rating} >= ${f.minRating}::real`);
      if (f.minReviews !== undefined) c.push(sql`${t.reviewCount} >= ${f.minReviews}`);
      if (f.hasWebsite !== undefined) c.push(present(t.website, f.hasWebsite));
      if (f.hasPhone !== undefined) c.push(present(t.phone, f.hasPhone));
      if (f.hasEmail !== undefined) c.push(present(t.email, f.hasEmail));
      return c;
    },
  },
  creators: {
    table: leadsCreator,
    columns: omitSearch(getTableColumns(leadsCreator)),
    list: pagedList<{ id: string }>({
      name: 'leads_creator',
      label: 'creator leads',
      defaultLimit: DEFAULT_LEAD_PAGE,
      sort: [{ column: leadsCreator.id, order: 'asc', of: (r) => r.id, parse: idCursor('creators') }],
    }),
    conditions(f: LeadFilters['creators']): SQL[] {
      const t = leadsCreator;
      const c: SQL[] = [];
      if (f.q) c.push(keywords(t.search as unknown as PgColumn, f.q));
      if (f.platforms) c.push(inArray(t.platform, f.platforms));
      if (f.followers) c.push(between(t.followers, f.followers));
      if (f.engagementRate) c.push(between(t.engagementRate, f.engagementRate));
      // Niches are stored in lower case.
      if (f.niches)
        c.push(
          sql`${t.niches} && array[${sql.join(
            f.niches.map((n) => sql`${n.toLowerCase()}`),
            sql`, `,
          )}]::text[]`,
        );
      if (f.countries) c.push(anyLower(t.country, f.countries));
      if (f.languages) c.push(anyLower(t.language, f.languages));
      if (f.hasEmail !== undefined) c.push(present(t.email, f.hasEmail));
      if (f.verified !== undefined) c.push(sql`${t.verified} = ${f.verified}`);
      return c;
    },
  },
} as const;

export type LeadKindDef<K extends LeadKind> = (typeof LEAD_KINDS_DEF)[K];
export type { PagedList };
