/**
 * The in-memory lead search index answers exactly as SQL does: the same count and the same pages
 * for every filter, alone and combined, over realistic demo rows. And it is never used while the
 * table holds rows it does not (a write raises the kind's version in its own transaction).
 */
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { leadVersions } from '../../src/db/schema.js';
import { importLeadBatch } from '../../src/domain/leads/import.js';
import { COUNT_INPUTS, LEAD_KINDS, type LeadFilters, type LeadKind } from '../../src/domain/leads/inputs.js';
import { LEAD_KINDS_DEF } from '../../src/domain/leads/kinds.js';
import { halfwayBetweenFloats, translate } from '../../src/domain/leads/memory/fields.js';
import { createLeadIndex, type IndexedPage, type LeadIndex, leadVersion } from '../../src/domain/leads/memory/lead-index.js';
import { countQuery, pageQuery } from '../../src/domain/leads/search.js';
import { demoLeadRecords } from '../../src/domain/leads/seed.js';
import { parseInput } from '../../src/domain/validation.js';
import { openTestDatabase } from '../support/harness.js';
import { insertLeads, token } from '../support/leads.js';

/** Demo rows under the demo seed's own external ids: the same rows on every run, so a shared PostgreSQL does not grow. */
const ROWS = 2_000;
const NOW = Date.parse('2026-11-01T00:00:00Z');

let database: Database;
let index: LeadIndex;

beforeAll(async () => {
  database = await openTestDatabase();
  for (const kind of LEAD_KINDS) {
    for (let from = 1; from <= ROWS; from += 1_000) {
      const result = await importLeadBatch(database, kind, await demoLeadRecords(kind, { seed: 1, from, count: 1_000 }), NOW);
      expect(result.failures).toEqual([]);
    }
  }
  index = createLeadIndex(database.db);
}, 120_000);
afterAll(() => database.close());

async function versionOf(kind: LeadKind): Promise<number> {
  const [row] = await database.db.select({ v: leadVersions.version }).from(leadVersions).where(eq(leadVersions.kind, kind));
  return Number(row?.v);
}

const PAGE = 25;

/** SQL's answer: the count, and the ids of the first pages (each after the last id of the one before). */
async function bySql<K extends LeadKind>(kind: K, filters: LeadFilters[K]) {
  const [row] = await countQuery(database.db, kind, filters);
  const pages: string[][] = [];
  let after: string | null = null;
  for (let i = 0; i < 3; i++) {
    const table = LEAD_KINDS_DEF[kind].table;
    const rows: { id: string }[] = await pageQuery(database.db, kind, filters, 'ws_nobody', {
      where: after === null ? undefined : sql`${table.id} > ${after}`,
      orderBy: [asc(table.id)],
      limit: PAGE,
    });
    pages.push(rows.map((r) => r.id));
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  return { total: row?.total ?? 0, pages };
}

async function byIndex<K extends LeadKind>(kind: K, filters: LeadFilters[K]) {
  const total = await index.count(kind, filters);
  if (total === undefined) return undefined;
  const pages: string[][] = [];
  let after: string | null = null;
  for (let i = 0; i < 3; i++) {
    const page: IndexedPage | undefined = await index.page(kind, filters, after, PAGE);
    if (!page) return undefined;
    const ids: string[] = page.ids;
    pages.push(ids);
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1]!;
  }
  return { total, pages };
}

/**
 * Both answers while no write to the kind lands in between (other test files write leads to a
 * shared PostgreSQL): the kind's version is the same before and after, else it is tried again.
 */
async function compare<K extends LeadKind>(kind: K, raw: Record<string, unknown>) {
  const filters = (parseInput(COUNT_INPUTS[kind], { filters: raw }) as { filters: LeadFilters[K] }).filters;
  for (let attempt = 0; attempt < 20; attempt++) {
    await index.ready(kind);
    const before = await versionOf(kind);
    const fast = await byIndex(kind, filters);
    const slow = await bySql(kind, filters);
    if ((await versionOf(kind)) !== before || !fast) continue;
    expect(fast, JSON.stringify(raw)).toEqual(slow);
    return slow.total;
  }
  throw new Error(`the ${kind} leads kept changing: no stable comparison for ${JSON.stringify(raw)}`);
}

const B2B: Record<string, unknown>[] = [
  {},
  { q: 'manager' },
  { q: 'Marketing Manager' },
  { q: '"chief technology officer"' },
  { q: 'sales -manager' },
  { q: 'founder or owner' },
  { q: 'co-founder' },
  { q: '!!!' },
  { jobTitles: ['CTO', 'Chief Technology Officer', 'VP Engineering'] },
  { jobTitles: ['Sales Manager'] },
  { jobTitles: ['Manager'] },
  { seniorities: ['vp', 'director'] },
  { departments: ['ENGINEERING', 'sales'] },
  { industries: ['Software', 'Retail'] },
  { companySize: { min: 51, max: 200 } },
  { companySize: [{ min: 1, max: 10 }, { min: 1000 }] },
  { companySize: { max: 50 } },
  { countries: ['de', 'US'] },
  { cities: ['Berlin', 'new york'] },
  { hasEmail: true },
  { hasEmail: false },
  { hasPhone: false },
  { seniorities: ['vp', 'director'], companySize: { min: 51, max: 200 }, hasEmail: true },
  { jobTitles: ['CTO', 'Chief Technology Officer'], countries: ['DE'] },
  { q: 'manager', countries: ['US'], hasPhone: true },
];

const LOCAL: Record<string, unknown>[] = [
  {},
  { q: 'bistro' },
  { q: 'berlin coffee' },
  { categories: ['restaurant', 'Cafe'] },
  { countries: ['DE'] },
  { cities: ['London'] },
  { near: { lat: 52.52, lng: 13.405, radiusKm: 10 } },
  { near: { lat: 40.7128, lng: -74.006, radiusKm: 3 }, categories: ['Restaurant'] },
  { near: { lat: 0, lng: 179.9, radiusKm: 500 } },
  { near: { lat: 89.9, lng: 0, radiusKm: 100 } },
  { minRating: 4.5 },
  { minRating: 4.3 },
  { minReviews: 100 },
  { hasWebsite: false },
  { hasPhone: true, hasEmail: false },
  { near: { lat: 52.52, lng: 13.405, radiusKm: 25 }, minRating: 4, hasWebsite: true },
];

const CREATORS: Record<string, unknown>[] = [
  {},
  { q: 'fitness' },
  { q: '"fitness travel"' },
  { q: 'fit' },
  { platforms: ['tiktok'] },
  { followers: { min: 10_000, max: 100_000 } },
  { followers: { min: 1_000_000 } },
  { engagementRate: { min: 0.02, max: 0.05 } },
  { niches: ['fitness', 'Travel'] },
  { countries: ['us'] },
  { languages: ['de', 'EN'] },
  { hasEmail: false },
  { verified: true },
  { followers: { min: 10_000, max: 100_000 }, platforms: ['instagram', 'tiktok'], niches: ['fitness'] },
];

describe('the lead search index answers exactly as SQL', () => {
  it.each(B2B.map((f) => [JSON.stringify(f), f]))('b2b %s', async (_name, f) => {
    await compare('b2b', f);
  });
  it.each(LOCAL.map((f) => [JSON.stringify(f), f]))('local %s', async (_name, f) => {
    await compare('local', f);
  });
  it.each(CREATORS.map((f) => [JSON.stringify(f), f]))('creators %s', async (_name, f) => {
    await compare('creators', f);
  });

  it('finds rows for the common filters (the comparisons are not all of empty results)', async () => {
    expect(await compare('b2b', { q: 'manager' })).toBeGreaterThan(10);
    expect(await compare('local', { near: { lat: 52.52, lng: 13.405, radiusKm: 10 } })).toBeGreaterThan(10);
    expect(await compare('creators', { niches: ['fitness'] })).toBeGreaterThan(10);
  });
});

/** The index's answer once it is current (other files may write between its load and the question: then load again). */
async function currentCount<K extends LeadKind>(kind: K, filters: LeadFilters[K]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await index.ready(kind);
    const n = await index.count(kind, filters);
    if (n !== undefined) return n;
  }
  throw new Error(`the ${kind} index never became current`);
}

describe('the lead search index is never used while out of date', () => {
  it('declines at once after a write to its kind, and answers again once reloaded, including the new row', async () => {
    const word = token();
    expect(await currentCount('local', { q: word })).toBe(0);
    const before = await versionOf('local');

    await insertLeads(database.db, 'local', `index-${word}`, [{ name: `Cafe ${word}`, category: 'Cafe' }]);
    expect(await versionOf('local')).toBeGreaterThan(before);
    // Out of date: SQL must answer the count (the index starts reloading meanwhile), and a page
    // carries the index's version, which the search sees is no longer the table's.
    expect(await index.count('local', { q: word })).toBeUndefined();
    const page = await index.page('local', { q: word }, null, 10);
    expect(page?.ids ?? []).toEqual([]);
    if (page) expect(page.version).toBeLessThan(await leadVersion(database.db, 'local'));
    expect(await currentCount('local', { q: word })).toBe(1);
  });

  it('keeps its version when an upsert changes nothing', async () => {
    // Repeatable read: other files' writes, committed meanwhile, stay out of this transaction's view.
    const [before, after] = await database.db.transaction(
      async (tx) => {
        const read = async () => Number((await tx.select({ v: leadVersions.version }).from(leadVersions).where(eq(leadVersions.kind, 'creators')))[0]?.v);
        const v1 = await read();
        await tx.execute(sql`
          insert into leads_creator (id, external_id, handle, platform, followers, updated_at)
          select id, external_id, handle, platform, followers, updated_at from leads_creator where external_id = 'seed-creators-1'
          on conflict (id) do update set handle = excluded.handle where leads_creator.handle is distinct from excluded.handle`);
        return [v1, await read()];
      },
      { isolationLevel: 'repeatable read' },
    );
    expect(after).toBe(before);
  });
});

describe('what the index leaves to SQL', () => {
  it('a rating bound exactly halfway between two 32-bit floats (SQL rounds its decimal text once, JavaScript twice)', () => {
    const midpoint = 1 + 2 ** -24;
    expect(halfwayBetweenFloats(midpoint)).toBe(true);
    expect(Math.fround(midpoint)).toBe(1);
    expect(translate('local', { minRating: midpoint })).toBeNull();
    for (const ordinary of [4.5, 4.3, 0, 5, 1 + 2 ** -23, 2.75]) expect(halfwayBetweenFloats(ordinary)).toBe(false);
    expect(translate('local', { minRating: 4.3 })).toEqual([{ type: 'atLeast', field: 'rating', min: Math.fround(4.3) }]);
  });

  it('a cursor that is not one of its ids', async () => {
    expect(await index.page('b2b', {}, 'b2b_ZZZZ', 10)).toBeUndefined();
    expect(await index.page('b2b', {}, 'b2b_\u00e9aaaaaaaaaaaaaaaaaaa', 10)).toBeUndefined();
  });

  it('a kind whose version row is missing: no version is current, and the next change makes the row again', async () => {
    const word = token();
    // Rolled back: the row stays for everyone else.
    await database.db
      .transaction(async (tx) => {
        await tx.delete(leadVersions).where(eq(leadVersions.kind, 'local'));
        expect(Number.isNaN(await leadVersion(tx, 'local'))).toBe(true);
        await insertLeads(tx, 'local', `index-missing-${word}`, [{ name: `Cafe ${word}`, category: 'Cafe' }]);
        expect(await leadVersion(tx, 'local')).toBe(1);
        throw new Error('roll back');
      })
      .catch((err: unknown) => expect((err as Error).message).toBe('roll back'));
    expect(await leadVersion(database.db, 'local')).toBeGreaterThan(0);
  });
});
