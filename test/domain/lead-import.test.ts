import { randomUUID } from 'node:crypto';
import { getTableColumns, inArray, like } from 'drizzle-orm';
import { leadsB2b, leadsCreator, leadsLocal } from '../../src/db/schema.js';
import { CITIES } from '../../src/domain/leads/demo-data.js';
import { importLeadBatch, LEAD_IMPORT_COLUMNS, parseLeadRecord, type LeadRecord } from '../../src/domain/leads/import.js';
import { leadId } from '../../src/domain/leads/kinds.js';
import { demoExternalId, demoLeadRecords, seedLeads } from '../../src/domain/leads/seed.js';
import type { Domain } from '../support/fixture.js';
import { describe, expect, test } from '../support/fixture.js';

/**
 * Rows into the lead tables: checked and normalised column by column, upserted by id, bad rows
 * reported by line without losing the good ones; the demo generator's determinism and realism.
 * The lead tables are shared by every test file on PostgreSQL: this file's rows carry a token of
 * their own in their external ids, and every count is of those rows only.
 */
const RUN = randomUUID().slice(0, 8);
const ext = (s: string) => `dli-${RUN}-${s}`;
const NOW = Date.parse('2026-03-01T00:00:00Z');
const recs = (...values: Record<string, unknown>[]): LeadRecord[] => values.map((v, i) => ({ line: i + 2, values: v }));

async function b2bRows(domain: Domain, ...external: string[]) {
  return domain.db
    .select()
    .from(leadsB2b)
    .where(
      inArray(
        leadsB2b.externalId,
        external.map((e) => ext(e)),
      ),
    )
    .orderBy(leadsB2b.externalId);
}

describe('lead import', () => {
  test('imports the good rows of a batch, reports each bad one by line with every reason, and normalises what it keeps', async ({ domain }) => {
    const result = await importLeadBatch(
      domain.database,
      'b2b',
      recs(
        {
          external_id: ext('ana'),
          first_name: ' Ana ',
          last_name: 'López',
          title: 'CTO',
          seniority: 'C-Suite',
          department: 'Engineering',
          email: 'ana@acme.de',
          phone: '',
          linkedin_url: 'linkedin.com/in/ana',
          country: 'de',
          company_name: 'Acme GmbH',
          company_domain: 'https://www.Acme.de/about',
          company_size: '120',
          company_country: 'de',
        },
        { external_id: ext('bad'), country: 'Germany', company_size: '12.5', email: 'nope', seniority: 'boss' },
        { first_name: 'No id' },
        { external_id: ext('bob'), first_name: 'Bob', seniority: 'vice president', company_size: 8 },
        { external_id: ext('odd'), shoe_size: '44' },
        { external_id: ext('nul'), title: 'CE\0O' },
      ),
      NOW,
    );
    expect(result).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
      failures: [
        {
          line: 3,
          reason:
            'seniority must be one of owner, c_suite, partner, vp, director, manager, senior, entry; email must be an email address; country must be an ISO 3166-1 alpha-2 country code such as US or DE; company_size must be a whole number of employees from 0 to 2147483647',
        },
        { line: 4, reason: "external_id is required: the row's stable id in your data, which a later import of the same row repeats" },
        { line: 6, reason: `has unknown column shoe_size (the columns of b2b leads are ${LEAD_IMPORT_COLUMNS.b2b.join(', ')})` },
        { line: 7, reason: 'title must not contain NUL (\\u0000) characters' },
      ],
    });
    const [ana, bob] = await b2bRows(domain, 'ana', 'bob');
    expect(ana).toMatchObject({
      id: leadId('b2b', ext('ana')),
      firstName: 'Ana',
      lastName: 'López',
      seniority: 'c_suite',
      phone: null,
      linkedinUrl: 'https://linkedin.com/in/ana',
      country: 'DE',
      companyDomain: 'acme.de',
      companySize: 120,
      companyCountry: 'DE',
      updatedAt: new Date(NOW),
    });
    expect(bob).toMatchObject({ id: leadId('b2b', ext('bob')), seniority: 'vp', companySize: 8, title: null });
  });

  test('importing the same rows again leaves them unchanged; a changed row is updated in place, never duplicated', async ({ domain }) => {
    const rows = [
      { external_id: ext('re-1'), first_name: 'Cy', title: 'Engineer' },
      { external_id: ext('re-2'), first_name: 'Di', title: 'Designer' },
    ];
    expect(await importLeadBatch(domain.database, 'b2b', recs(...rows), NOW)).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    const later = NOW + 86_400_000;
    expect(await importLeadBatch(domain.database, 'b2b', recs(...rows), later)).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    const changed = [rows[0]!, { ...rows[1], title: 'Design Lead' }];
    expect(await importLeadBatch(domain.database, 'b2b', recs(...changed), later)).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    const stored = await b2bRows(domain, 're-1', 're-2');
    expect(stored.map((r) => [r.externalId, r.title, r.updatedAt.getTime()])).toEqual([
      [ext('re-1'), 'Engineer', NOW],
      [ext('re-2'), 'Design Lead', later],
    ]);
  });

  test('an external id repeated within a batch: the later row wins, as it would in a later batch', async ({ domain }) => {
    const r = await importLeadBatch(
      domain.database,
      'b2b',
      recs(
        { external_id: ext('dup'), title: 'First' },
        { external_id: ext('dup'), title: 'Second' },
        { external_id: ext('dup'), title: 'Second' },
        { external_id: ext('dup-other'), title: 'Other' },
      ),
      NOW,
    );
    expect(r).toEqual({ inserted: 2, updated: 1, unchanged: 1, failures: [] });
    expect((await b2bRows(domain, 'dup')).map((x) => x.title)).toEqual(['Second']);
  });

  test('local leads: coordinates come in pairs and within range, ratings 0 to 5, a website without its scheme is https', async ({ domain }) => {
    const r = await importLeadBatch(
      domain.database,
      'local',
      recs(
        {
          external_id: ext('cafe'),
          name: 'Café Mitte',
          category: 'Cafe',
          city: 'Berlin',
          country: 'de',
          postal_code: 10115,
          latitude: '52.5200',
          longitude: 13.405,
          website: 'cafe-mitte.de',
          rating: '4.5',
          review_count: '120',
        },
        { external_id: ext('half'), name: 'Half', latitude: '52.5' },
        { external_id: ext('far'), name: 'Far', latitude: 91, longitude: -181, rating: 6, review_count: -1 },
        { external_id: ext('nameless') },
      ),
      NOW,
    );
    expect(r).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 0,
      failures: [
        { line: 3, reason: 'latitude and longitude must be given together (or neither)' },
        {
          line: 4,
          reason:
            'latitude must be a latitude from -90 to 90; longitude must be a longitude from -180 to 180; rating must be a rating from 0 to 5; review_count must be a whole number from 0 to 2147483647',
        },
        { line: 5, reason: "name is required: the business's name" },
      ],
    });
    const [cafe] = await domain.db
      .select()
      .from(leadsLocal)
      .where(inArray(leadsLocal.externalId, [ext('cafe')]));
    expect(cafe).toMatchObject({
      id: leadId('local', ext('cafe')),
      name: 'Café Mitte',
      country: 'DE',
      postalCode: '10115',
      latitude: 52.52,
      longitude: 13.405,
      website: 'https://cafe-mitte.de',
      rating: 4.5,
      reviewCount: 120,
    });
  });

  test('creators: niches from "a;b" or a list, lower case and each once; platform aliases; engagement as a fraction or a percentage', async ({ domain }) => {
    const r = await importLeadBatch(
      domain.database,
      'creators',
      recs(
        {
          external_id: ext('ana'),
          handle: '@ana.fit',
          platform: 'Twitter',
          followers: '12000',
          engagement_rate: '3.4%',
          niches: 'Fitness; travel;FITNESS;',
          country: 'se',
          language: 'SV',
          verified: 'yes',
        },
        { external_id: ext('bo'), handle: 'bo', platform: 'tiktok', followers: 5000, engagement_rate: 0.05, niches: ['Tech', 'Gaming'] },
        {
          external_id: ext('bad'),
          handle: '',
          platform: 'myspace',
          followers: '1.5k',
          engagement_rate: '4.5',
          niches: ['ok', 3],
          verified: 'maybe',
          language: 'English',
        },
      ),
      NOW,
    );
    expect(r.inserted).toBe(2);
    expect(r.failures).toEqual([
      {
        line: 4,
        reason:
          'handle is required: the creator\'s handle on the platform; platform must be one of instagram, tiktok, youtube, twitch, x; followers must be a whole number of followers from 0 to 9007199254740991; engagement_rate must be a fraction from 0 to 1 (0.045 is 4.5%), or a percentage such as 4.5%; niches.1 must be words separated by ";" (or a JSON array of strings); language must be an ISO 639-1 language code such as en or de; verified must be true or false (also yes/no, 1/0)',
      },
    ]);
    const stored = await domain.db
      .select()
      .from(leadsCreator)
      .where(inArray(leadsCreator.externalId, [ext('ana'), ext('bo')]))
      .orderBy(leadsCreator.externalId);
    expect(stored.map((c) => [c.handle, c.platform, c.followers, c.engagementRate, c.niches, c.country, c.language, c.verified])).toEqual([
      ['ana.fit', 'x', 12000, 0.034, ['fitness', 'travel'], 'SE', 'sv', true],
      ['bo', 'tiktok', 5000, 0.05, ['tech', 'gaming'], null, null, false],
    ]);
  });

  test('the import columns are the tables’ columns, less the id, updated_at and keyword vectors the import derives', () => {
    const derived = new Set(['id', 'updated_at', 'search', 'title_search']);
    const names = (table: Parameters<typeof getTableColumns>[0]) =>
      Object.values(getTableColumns(table))
        .map((c) => c.name)
        .filter((n) => !derived.has(n));
    expect(LEAD_IMPORT_COLUMNS).toEqual({ b2b: names(leadsB2b), local: names(leadsLocal), creators: names(leadsCreator) });
  });

  test('an empty cell, a cell of spaces and an absent column are all empty (NULL)', () => {
    expect(parseLeadRecord('b2b', { external_id: 'x', first_name: '   ', title: '' })).toEqual({
      row: Object.fromEntries(LEAD_IMPORT_COLUMNS.b2b.map((c) => [c, c === 'external_id' ? 'x' : null])),
    });
  });
});

describe('demo leads', () => {
  test('the same seed makes the same rows, whatever the range asked for; another seed makes others under the same ids', async () => {
    for (const kind of ['b2b', 'local', 'creators'] as const) {
      const all = await demoLeadRecords(kind, { seed: 7, from: 1, count: 250 });
      expect(all.map((r) => r.values.external_id)).toEqual(Array.from({ length: 250 }, (_, i) => demoExternalId(kind, i + 1)));
      expect(await demoLeadRecords(kind, { seed: 7, from: 1, count: 250 })).toEqual(all);
      // Row n does not depend on where the range starts (a block boundary at 100 and 200).
      expect(await demoLeadRecords(kind, { seed: 7, from: 150, count: 60 })).toEqual(all.slice(149, 209));
      const other = await demoLeadRecords(kind, { seed: 8, from: 1, count: 250 });
      expect(other.map((r) => r.values.external_id)).toEqual(all.map((r) => r.values.external_id));
      const differing = other.filter((r, i) => JSON.stringify(r.values) !== JSON.stringify(all[i]!.values));
      expect(differing.length).toBe(250);
      // Every row is one the import takes.
      expect(all.filter((r) => 'reason' in parseLeadRecord(kind, r.values))).toEqual([]);
    }
  });

  test('look like real data: titles fit seniority, businesses sit near real cities, followers have a heavy tail and engagement falls as they grow', async () => {
    const people = (await demoLeadRecords('b2b', { seed: 3, from: 1, count: 2000 })).map((r) => r.values);
    const bySeniority = (s: string) => people.filter((p) => p.seniority === s).map((p) => p.title as string);
    expect(bySeniority('vp').every((t) => t.startsWith('VP'))).toBe(true);
    expect(bySeniority('director').every((t) => /^(Director|Head) of /.test(t))).toBe(true);
    expect(bySeniority('owner').every((t) => /Founder|Owner|CEO|Chief Executive/.test(t))).toBe(true);
    expect(new Set(people.map((p) => p.seniority)).size).toBe(8);
    // Most companies are small; a few are large.
    const sizes = people.map((p) => p.company_size as number).sort((a, b) => a - b);
    expect(sizes[1000]).toBeLessThan(200);
    expect(sizes[1999]).toBeGreaterThan(5000);
    // Colleagues share a company and its domain, which their emails use.
    expect(new Set(people.map((p) => p.company_domain)).size).toBeLessThan(1000);
    expect(people.filter((p) => p.email).every((p) => (p.email as string).endsWith(`@${p.company_domain}`))).toBe(true);

    const places = (await demoLeadRecords('local', { seed: 3, from: 1, count: 500 })).map((r) => r.values);
    for (const p of places) {
      const city = CITIES.find((c) => c.name === p.city)!;
      expect(city.country).toBe(p.country);
      const km = Math.hypot(((p.latitude as number) - city.lat) * 111, ((p.longitude as number) - city.lng) * 111 * Math.cos((city.lat * Math.PI) / 180));
      expect(km).toBeLessThan(16);
    }

    const creators = (await demoLeadRecords('creators', { seed: 3, from: 1, count: 3000 })).map((r) => r.values);
    const followers = creators.map((c) => c.followers as number).sort((a, b) => a - b);
    expect(followers[1500]).toBeLessThan(10_000);
    expect(followers[2999]).toBeGreaterThan(1_000_000);
    const meanRate = (rows: typeof creators) => rows.reduce((s, c) => s + (c.engagement_rate as number), 0) / rows.length;
    expect(meanRate(creators.filter((c) => (c.followers as number) < 5_000))).toBeGreaterThan(
      meanRate(creators.filter((c) => (c.followers as number) > 100_000)),
    );
    expect(creators.every((c) => (c.niches as string[]).length >= 1 && (c.niches as string[]).length <= 3)).toBe(true);
  });

  test('seeding goes through the import: rows land under their derived ids, again unchanged, with another seed updated', async ({ domain }) => {
    // Far from the ranges anything else seeds, and emptied first: the tables outlive a run on PostgreSQL.
    const range = { from: 9_000_001, count: 30 };
    await domain.db.delete(leadsLocal).where(like(leadsLocal.externalId, 'seed-local-90000%'));
    expect(await seedLeads(domain.database, 'local', { seed: 1, ...range }, NOW)).toEqual({ inserted: 30, updated: 0, unchanged: 0, failures: [] });
    expect(await seedLeads(domain.database, 'local', { seed: 1, ...range }, NOW)).toEqual({ inserted: 0, updated: 0, unchanged: 30, failures: [] });
    expect(await seedLeads(domain.database, 'local', { seed: 2, ...range }, NOW)).toEqual({ inserted: 0, updated: 30, unchanged: 0, failures: [] });
    const ids = Array.from({ length: 30 }, (_, i) => leadId('local', demoExternalId('local', range.from + i)));
    const stored = await domain.db.select().from(leadsLocal).where(inArray(leadsLocal.id, ids));
    const expected = await demoLeadRecords('local', { seed: 2, ...range });
    expect(stored.map((r) => r.id).sort()).toEqual([...ids].sort());
    const byId = new Map(stored.map((r) => [r.id, r]));
    for (const e of expected) {
      const row = byId.get(leadId('local', e.values.external_id as string))!;
      expect([row.name, row.latitude, row.rating, row.reviewCount]).toEqual([e.values.name, e.values.latitude, e.values.rating, e.values.review_count]);
    }
  });
});
