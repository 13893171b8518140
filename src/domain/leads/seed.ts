import type { Faker } from '@faker-js/faker';
import type { Database, Db } from '../../db/client.js';
import { leadsB2b, leadsCreator, leadsLocal } from '../../db/schema.js';
import {
  CATEGORIES,
  CITIES,
  COMPANY_SIZES,
  COUNTRY_TLDS,
  DEPARTMENTS,
  INDUSTRIES,
  NICHES,
  OWNER_TITLES,
  PARTNER_TITLES,
  PLATFORM_ENGAGEMENT,
  PLATFORM_WEIGHTS,
  POSTAL_FORMATS,
  PROFILE_URLS,
  SENIORITY_WEIGHTS,
  STREET_FORMATS,
  STREET_SUFFIXES,
  type City,
} from './demo-data.js';
import { importLeadBatch, type LeadBatchResult, type LeadRecord } from './import.js';
import { LEAD_KINDS, type LeadKind } from './inputs.js';

/**
 * Demo leads that look like real ones (`leads seed`, and the first start of an embedded
 * database): people with titles that fit their seniority and department at companies whose
 * sizes are mostly small and sometimes huge, businesses around real cities, creators whose
 * followers follow a heavy tail and whose engagement falls as they grow.
 *
 * Deterministic: row n of a kind depends only on the seed and n (and the faker version), never
 * on how many rows are asked for, so seeding 1,000 and then 2,000 gives the same first 1,000.
 * Rows are generated in blocks of BLOCK, faker reseeded at each block's start (a reseed costs
 * about as much as generating a row, so not one per row). Row n's external id is
 * `seed-<kind>-<n>`: seeding again with another seed updates the same rows.
 */

export const DEFAULT_DEMO_SEED = 1;
const BLOCK = 100;
/** Rows generated and written at once by seedDemoLeads. */
const SEED_BATCH = 5_000;
const KIND_NUMBER: Record<LeadKind, number> = { b2b: 1, local: 2, creators: 3 };

let loaded: Promise<Faker> | undefined;
/** Loaded on first use: only seeding needs it, and it takes a tenth of a second to load. */
function loadFaker(): Promise<Faker> {
  loaded ??= import('@faker-js/faker/locale/en').then((m) => m.faker);
  return loaded;
}

export const demoExternalId = (kind: LeadKind, n: number) => `seed-${kind}-${n}`;

/** Rows `from` to `from + count - 1` (numbered from 1) of a kind's demo set, as import records. */
export async function demoLeadRecords(kind: LeadKind, opts: { seed: number; from: number; count: number }): Promise<LeadRecord[]> {
  const f = await loadFaker();
  const make = GENERATORS[kind];
  const out: LeadRecord[] = [];
  const end = opts.from + opts.count;
  for (let block = Math.floor((opts.from - 1) / BLOCK); block * BLOCK + 1 < end; block++) {
    // faker is one instance per process: generation is synchronous, so nothing else draws from it meanwhile.
    f.seed([opts.seed, KIND_NUMBER[kind], block]);
    const state: BlockState = {};
    for (let n = block * BLOCK + 1; n <= (block + 1) * BLOCK && n < end; n++) {
      const values = make(f, state);
      values.external_id = demoExternalId(kind, n);
      if (n >= opts.from) out.push({ line: n, values });
    }
  }
  return out;
}

/** Generates and upserts one range of demo rows through the import's path (checked as an imported row is). */
export async function seedLeads(
  database: Database,
  kind: LeadKind,
  opts: { seed: number; from: number; count: number },
  now: number,
): Promise<LeadBatchResult> {
  return importLeadBatch(database, kind, await demoLeadRecords(kind, opts), now);
}

// ---- drawing ----

/** What one row of a block leaves for the next: colleagues share a company. */
interface BlockState {
  company?: Company;
}

type Generator = (f: Faker, state: BlockState) => Record<string, unknown>;

function weighted<T extends { weight: number }>(items: readonly T[]): (f: Faker) => T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  return (f) => {
    let r = f.number.float() * total;
    for (const item of items) if ((r -= item.weight) < 0) return item;
    return items[items.length - 1]!;
  };
}

const chance = (f: Faker, p: number) => f.number.float() < p;
const pickOne = <T>(f: Faker, items: readonly T[]): T => items[Math.floor(f.number.float() * items.length)]!;

/** A standard normal draw (Box-Muller). */
function normal(f: Faker): number {
  const u = 1 - f.number.float();
  const v = f.number.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Letters and digits only, accents dropped: what names become in emails, domains and handles. */
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

const city = weighted(CITIES);
const seniority = weighted(SENIORITY_WEIGHTS);
const department = weighted(DEPARTMENTS);
const industry = weighted(INDUSTRIES);
const companySize = weighted(COMPANY_SIZES);
const category = weighted(CATEGORIES);
const platform = weighted(PLATFORM_WEIGHTS);
const niche = weighted(NICHES);

function domainOf(f: Faker, name: string, country: string, software: boolean): string {
  const r = f.number.float();
  const tld = software && r < 0.25 ? 'io' : r > 0.8 && COUNTRY_TLDS[country] ? COUNTRY_TLDS[country] : 'com';
  return `${ascii(name)}.${tld}`;
}

interface Company {
  name: string;
  domain: string;
  industry: string;
  size: number;
  revenue: string;
  city: City;
}

function company(f: Faker): Company {
  const ind = industry(f);
  const band = companySize(f);
  // Employee counts spread evenly on a log scale within their band.
  const size = Math.round(Math.exp(Math.log(band.min) + f.number.float() * (Math.log(band.max) - Math.log(band.min))));
  const suffix = pickOne(f, ind.suffixes);
  const r = f.number.float();
  const base = r < 0.55 ? f.person.lastName() : r < 0.8 ? `${f.person.lastName()} & ${f.person.lastName()}` : capitalize(f.word.noun());
  const hq = city(f);
  return {
    name: `${base} ${suffix}`,
    domain: domainOf(f, r < 0.8 ? base.split(' ')[0]! + suffix : base, hq.country, ind.name === 'Software'),
    industry: ind.name,
    size,
    revenue: band.revenue,
    city: hq,
  };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function title(f: Faker, level: string, dept: (typeof DEPARTMENTS)[number]): { title: string; department: string } {
  if (level === 'owner') return { title: pickOne(f, OWNER_TITLES), department: 'Executive' };
  if (level === 'partner') return { title: pickOne(f, PARTNER_TITLES), department: 'Executive' };
  if (level === 'c_suite' && chance(f, 0.25)) return { title: pickOne(f, ['Chief Executive Officer', 'CEO', 'President']), department: 'Executive' };
  return { title: pickOne(f, dept[level as 'entry' | 'senior' | 'manager' | 'director' | 'vp' | 'c_suite']), department: dept.name };
}

const b2b: Generator = (f, state) => {
  // About three people a company: a new one at each block's start, then now and then.
  if (!state.company || chance(f, 0.35)) state.company = company(f);
  const co = state.company;
  const first = f.person.firstName();
  const last = f.person.lastName();
  // In a company of ten, a fair share of people own it.
  const level = co.size <= 10 && chance(f, 0.3) ? 'owner' : seniority(f).value;
  const role = title(f, level, department(f));
  const home = chance(f, 0.75) ? co.city : city(f);
  const r = f.number.float();
  const local = r < 0.6 ? `${ascii(first)}.${ascii(last)}` : r < 0.85 ? `${ascii(first).charAt(0)}${ascii(last)}` : ascii(first);
  return {
    first_name: first,
    last_name: last,
    title: role.title,
    seniority: level,
    department: role.department,
    email: chance(f, 0.85) ? `${local}@${co.domain}` : null,
    phone: chance(f, 0.45) ? f.phone.number({ style: 'international' }) : null,
    linkedin_url: chance(f, 0.8) ? `https://www.linkedin.com/in/${ascii(first)}-${ascii(last)}-${f.string.alphanumeric({ length: 6, casing: 'lower' })}` : null,
    city: home.name,
    region: home.region,
    country: home.country,
    company_name: co.name,
    company_domain: co.domain,
    industry: co.industry,
    company_size: co.size,
    revenue_range: co.revenue,
    company_city: co.city.name,
    company_country: co.city.country,
  };
};

function street(f: Faker, country: string): string {
  const n = String(f.number.int({ min: 1, max: 300 }));
  const format = STREET_FORMATS[country];
  if (format) return format.replace('{s}', f.person.lastName()).replace('{n}', n);
  return `${n} ${f.person.lastName()} ${pickOne(f, STREET_SUFFIXES)}`;
}

const local: Generator = (f) => {
  const c = city(f);
  const cat = category(f);
  const name = pickOne(f, cat.names)
    .replace('{last2}', f.person.lastName())
    .replace('{last}', f.person.lastName())
    .replace('{first}', f.person.firstName())
    .replace('{city}', c.name);
  const [lat, lng] = f.location.nearbyGPSCoordinate({ origin: [c.lat, c.lng], radius: 15, isMetric: true });
  const site = chance(f, 0.6) ? domainOf(f, name, c.country, false) : null;
  const rated = chance(f, 0.92);
  const postal = POSTAL_FORMATS[c.country];
  return {
    name,
    category: cat.name,
    address: street(f, c.country),
    city: c.name,
    region: c.region,
    country: c.country,
    postal_code: postal ? f.helpers.replaceSymbols(postal) : null,
    latitude: round(lat, 6),
    longitude: round(lng, 6),
    phone: chance(f, 0.85) ? f.phone.number({ style: 'international' }) : null,
    website: site ? `https://www.${site}` : null,
    email: site && chance(f, 0.6) ? `${pickOne(f, ['info', 'hello', 'contact', 'office'])}@${site}` : null,
    // Ratings cluster around 4.3; review counts run from a handful to thousands.
    rating: rated ? round(Math.min(5, Math.max(1, 4.3 + 0.45 * normal(f))), 1) : null,
    review_count: rated ? Math.max(1, Math.floor(Math.exp(3.6 + 1.4 * normal(f)))) : 0,
  };
};

const creator: Generator = (f) => {
  const c = city(f);
  const first = f.person.firstName();
  const last = f.person.lastName();
  const p = platform(f).value;
  // Pareto (minimum 1,000, shape 0.75): half have under 2,600 followers, one in 200 over a million.
  const followers = Math.min(400_000_000, Math.floor(1000 / (1 - f.number.float()) ** (1 / 0.75)));
  const engagement = 0.06 * (followers / 1000) ** -0.18 * PLATFORM_ENGAGEMENT[p]! * Math.exp(0.35 * normal(f));
  const topics = new Set<string>();
  const wanted = 1 + Math.floor(f.number.float() * 3);
  while (topics.size < wanted) topics.add(niche(f).value);
  const [main] = topics;
  const handle = f.internet
    .username({ firstName: first, lastName: last })
    .toLowerCase()
    .replace(/[^a-z0-9._]/g, '');
  const verifiedChance = followers > 1_000_000 ? 0.8 : followers > 100_000 ? 0.3 : 0.02;
  return {
    display_name: chance(f, 0.75) ? `${first} ${last}` : `${first} ${capitalize(main!)}`,
    handle,
    platform: p,
    profile_url: PROFILE_URLS[p]!(handle),
    followers,
    engagement_rate: round(Math.min(0.5, Math.max(0.001, engagement)), 4),
    niches: [...topics],
    country: c.country,
    language: c.language !== 'en' && chance(f, 0.15) ? 'en' : c.language,
    email: chance(f, followers > 100_000 ? 0.7 : 0.3)
      ? `${chance(f, 0.5) ? 'collabs.' : ''}${handle.replace(/^[._]+|[._]+$/g, '') || ascii(first)}@gmail.com`
      : null,
    verified: chance(f, verifiedChance),
  };
};

const GENERATORS: Record<LeadKind, Generator> = { b2b, local, creators: creator };

/** What a first start puts in an empty embedded database, of each kind, so a new user's first search finds something. */
export const FIRST_START_DEMO_LEADS = 1_000;

/** True when no lead of any kind is stored: nobody imported their own yet. */
export async function noLeadsYet(db: Db): Promise<boolean> {
  for (const table of [leadsB2b, leadsLocal, leadsCreator]) {
    if ((await db.select({ id: table.id }).from(table).limit(1)).length > 0) return false;
  }
  return true;
}

/** Seeds `perKind` demo rows of every kind, with the default seed; the counts inserted per kind. */
export async function seedDemoLeads(database: Database, perKind: number, now: number): Promise<Record<LeadKind, number>> {
  const inserted = { b2b: 0, local: 0, creators: 0 };
  for (const kind of LEAD_KINDS) {
    for (let from = 1; from <= perKind; from += SEED_BATCH) {
      const r = await seedLeads(database, kind, { seed: DEFAULT_DEMO_SEED, from, count: Math.min(SEED_BATCH, perKind - from + 1) }, now);
      inserted[kind] += r.inserted;
    }
  }
  return inserted;
}
