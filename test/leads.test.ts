import { beforeAll, describe, expect, it } from 'vitest';
import { addCredits } from '../src/domain/credits.js';
import type { LeadKind } from '../src/domain/leads/inputs.js';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';
import { insertLeads, token } from './support/leads.js';
import * as ops from './support/operations.js';
import { type LeadPageView, type LeadSearchQuery, type Outcome, SURFACES, type Surface } from './support/surfaces.js';

const t = serverForFile();

/**
 * The lead tables are shared by every test file on one PostgreSQL, so this file's rows carry a
 * word of their own (TOKEN, in a keyword field) and every search here passes it as `q`.
 */
const TOKEN = token();
const PREFIX = `surface-${TOKEN}`;

beforeAll(async () => {
  const db = t.database.db;
  await insertLeads(db, 'b2b', `${PREFIX}-b2b`, [
    {
      firstName: 'Ada',
      lastName: 'One',
      title: 'Chief Technology Officer',
      seniority: 'c_suite',
      department: 'Engineering',
      industry: 'Software',
      companySize: 120,
      companyDomain: 'acme.test',
      companyName: `${TOKEN} Acme`,
      country: 'DE',
      city: 'Berlin',
      region: 'Berlin',
      email: 'ada@acme.test',
      phone: '+49 30 1234',
      linkedinUrl: 'https://linkedin.com/in/ada',
      revenueRange: '$10M-$50M',
      companyCity: 'Berlin',
      companyCountry: 'DE',
    },
    {
      firstName: 'Ben',
      title: 'CTO',
      seniority: 'c_suite',
      department: 'Engineering',
      industry: 'Software',
      companySize: 40,
      companyDomain: 'beta.test',
      companyName: `${TOKEN} Beta`,
      country: 'DE',
      city: 'Munich',
      phone: '+49 89 1234',
    },
    {
      firstName: 'Cleo',
      title: 'Sales Manager',
      seniority: 'manager',
      department: 'Sales',
      industry: 'Retail',
      companySize: 800,
      companyDomain: 'gamma.test',
      companyName: `${TOKEN} Gamma`,
      country: 'US',
      city: 'Austin',
      email: 'cleo@gamma.test',
    },
    {
      firstName: 'Dan',
      title: 'Founder',
      seniority: 'owner',
      department: 'Executive',
      industry: 'Software',
      companySize: 8,
      companyDomain: 'delta.test',
      companyName: `${TOKEN} Delta`,
      country: 'FR',
      city: 'Paris',
      email: 'dan@delta.test',
      phone: '',
    },
    {
      firstName: 'Eve',
      title: 'Marketing Director',
      seniority: 'director',
      department: 'Marketing',
      industry: 'Retail',
      companySize: 2500,
      companyDomain: 'epsilon.test',
      companyName: `${TOKEN} Epsilon`,
      country: 'US',
      city: 'New York',
    },
  ]);
  await insertLeads(db, 'local', `${PREFIX}-local`, [
    {
      name: `${TOKEN} Cafe Mitte`,
      category: 'Cafe',
      address: 'Unter den Linden 1',
      city: 'Berlin',
      region: 'Berlin',
      country: 'DE',
      postalCode: '10117',
      latitude: 52.52,
      longitude: 13.405,
      rating: 4.5,
      reviewCount: 120,
      website: '',
      phone: '+49 30 555',
    },
    {
      name: `${TOKEN} Bakery`,
      category: 'Bakery',
      city: 'Potsdam',
      country: 'DE',
      latitude: 52.39,
      longitude: 13.06,
      rating: 3.9,
      reviewCount: 10,
      website: 'https://bakery.test',
      email: 'hi@bakery.test',
    },
    {
      name: `${TOKEN} Harbour Cafe`,
      category: 'Cafe',
      city: 'Hamburg',
      country: 'DE',
      latitude: 53.55,
      longitude: 9.99,
      rating: 4.8,
      reviewCount: 300,
      website: 'https://harbour.test',
      phone: '+49 40 555',
      email: 'ahoy@harbour.test',
    },
    { name: `${TOKEN} Bistro`, category: 'Restaurant', city: 'Paris', country: 'FR', latitude: 48.8566, longitude: 2.3522, rating: 4.2, reviewCount: 50 },
  ]);
  await insertLeads(db, 'creators', `${PREFIX}-creators`, [
    {
      displayName: `${TOKEN} Frida`,
      handle: 'fitfrida',
      platform: 'instagram',
      profileUrl: 'https://instagram.com/fitfrida',
      followers: 120_000,
      engagementRate: 0.045,
      niches: ['fitness', 'travel'],
      country: 'SE',
      language: 'sv',
      verified: true,
    },
    {
      displayName: `${TOKEN} Code Cat`,
      handle: 'codecat',
      platform: 'youtube',
      followers: 900_000,
      engagementRate: 0.02,
      niches: ['tech'],
      country: 'US',
      language: 'en',
      email: 'cat@code.test',
    },
    {
      displayName: `${TOKEN} Dance`,
      handle: 'dancer',
      platform: 'tiktok',
      followers: 45_000,
      engagementRate: 0.08,
      niches: ['dance', 'fitness'],
      country: 'BR',
      language: 'pt',
      email: 'dance@tok.test',
    },
    {
      displayName: `${TOKEN} Streams`,
      handle: 'streamer',
      platform: 'twitch',
      followers: 3_000,
      engagementRate: 0.12,
      niches: ['gaming'],
      country: 'US',
      language: 'en',
      verified: true,
    },
  ]);
});

/** This file's rows only: its word in `q`, before the test's own keywords. */
const mine = (filters: Record<string, unknown> = {}, q = '') => ({ ...filters, q: `${TOKEN} ${q}`.trim() });

/** The fixture rows of a page, by their index in the fixture, sorted. */
const indices = (page: Outcome<LeadPageView>) => {
  expect(page.status, JSON.stringify(page)).toBe(200);
  return page.data!.items.map((r) => Number(r.externalId.split('-').pop())).sort();
};

const ALL = 100;

async function funded(credits: number): Promise<Tenant> {
  const tenant = await t.tenant();
  if (credits > 0) await addCredits(t.database.db, tenant.workspaceId, credits);
  return tenant;
}

/** Every page of a search, following its cursor. */
async function walk(s: Surface, key: string, kind: LeadKind, q: LeadSearchQuery): Promise<LeadPageView[]> {
  const pages: LeadPageView[] = [];
  let cursor: string | null | undefined = q.cursor;
  do {
    const page = await s.searchLeads(key, kind, { ...q, cursor });
    expect(page.status, JSON.stringify(page)).toBe(200);
    pages.push(page.data!);
    cursor = page.data!.nextCursor;
  } while (cursor);
  return pages;
}

describe.each(SURFACES)('lead search over %s', (_name, makeSurface) => {
  let s: Surface;
  beforeAll(() => {
    s = makeSurface(t);
  });

  it('filters b2b leads by every filter, AND across filters, OR within a list, case-insensitively', async () => {
    const { key } = await funded(1000);
    const b2b = async (filters: Record<string, unknown>, q = '') => indices(await s.searchLeads(key, 'b2b', { filters: mine(filters, q), limit: ALL }));
    expect(await b2b({})).toEqual([0, 1, 2, 3, 4]);
    expect(await b2b({}, 'founder')).toEqual([3]);
    expect(await b2b({ jobTitles: ['cto', 'Chief Technology Officer'] })).toEqual([0, 1]);
    expect(await b2b({ seniorities: ['c_suite', 'owner'] })).toEqual([0, 1, 3]);
    expect(await b2b({ departments: ['SALES', 'marketing'] })).toEqual([2, 4]);
    expect(await b2b({ industries: ['retail'] })).toEqual([2, 4]);
    expect(await b2b({ companySize: { min: 51, max: 200 } })).toEqual([0]);
    expect(await b2b({ companySize: [{ max: 10 }, { min: 1000 }] })).toEqual([3, 4]);
    expect(await b2b({ companyDomains: ['ACME.test', 'delta.test'] })).toEqual([0, 3]);
    expect(await b2b({ countries: ['de'] })).toEqual([0, 1]);
    expect(await b2b({ cities: ['berlin', 'Austin'] })).toEqual([0, 2]);
    expect(await b2b({ hasEmail: true })).toEqual([0, 2, 3]);
    expect(await b2b({ hasEmail: false })).toEqual([1, 4]);
    expect(await b2b({ hasPhone: true })).toEqual([0, 1]);
    expect(await b2b({ hasPhone: false })).toEqual([2, 3, 4]);
    expect(await b2b({ countries: ['DE'], seniorities: ['c_suite'], hasEmail: true })).toEqual([0]);
  });

  it('filters local leads by every filter, the radius by great-circle distance', async () => {
    const { key } = await funded(1000);
    const local = async (filters: Record<string, unknown>, q = '') => indices(await s.searchLeads(key, 'local', { filters: mine(filters, q), limit: ALL }));
    expect(await local({}, 'cafe')).toEqual([0, 2]);
    expect(await local({ categories: ['cafe'] })).toEqual([0, 2]);
    expect(await local({ countries: ['fr'] })).toEqual([3]);
    expect(await local({ cities: ['POTSDAM', 'paris'] })).toEqual([1, 3]);
    // Potsdam is 27 km from Berlin's centre, Hamburg 255 km.
    expect(await local({ near: { lat: 52.52, lng: 13.405, radiusKm: 40 } })).toEqual([0, 1]);
    expect(await local({ near: { lat: 52.52, lng: 13.405, radiusKm: 20 } })).toEqual([0]);
    expect(await local({ near: { lat: 52.52, lng: 13.405, radiusKm: 300 } })).toEqual([0, 1, 2]);
    expect(await local({ minRating: 4.5 })).toEqual([0, 2]);
    expect(await local({ minReviews: 100 })).toEqual([0, 2]);
    expect(await local({ hasWebsite: true })).toEqual([1, 2]);
    expect(await local({ hasWebsite: false })).toEqual([0, 3]);
    expect(await local({ hasPhone: true })).toEqual([0, 2]);
    expect(await local({ hasEmail: true })).toEqual([1, 2]);
    expect(await local({ categories: ['Cafe'], near: { lat: 52.52, lng: 13.405, radiusKm: 10 }, minRating: 4 })).toEqual([0]);
  });

  it('filters creator leads by every filter', async () => {
    const { key } = await funded(1000);
    const creators = async (filters: Record<string, unknown>, q = '') =>
      indices(await s.searchLeads(key, 'creators', { filters: mine(filters, q), limit: ALL }));
    expect(await creators({}, 'tech')).toEqual([1]);
    expect(await creators({ platforms: ['instagram', 'tiktok'] })).toEqual([0, 2]);
    expect(await creators({ followers: { min: 100_000 } })).toEqual([0, 1]);
    expect(await creators({ followers: { max: 50_000 } })).toEqual([2, 3]);
    expect(await creators({ followers: { min: 40_000, max: 200_000 } })).toEqual([0, 2]);
    expect(await creators({ engagementRate: { min: 0.04, max: 0.1 } })).toEqual([0, 2]);
    expect(await creators({ niches: ['Fitness'] })).toEqual([0, 2]);
    expect(await creators({ countries: ['us'] })).toEqual([1, 3]);
    expect(await creators({ languages: ['EN'] })).toEqual([1, 3]);
    expect(await creators({ hasEmail: true })).toEqual([1, 2]);
    expect(await creators({ verified: true })).toEqual([0, 3]);
    expect(await creators({ platforms: ['twitch', 'youtube'], verified: false })).toEqual([1]);
  });

  it('pages by cursor over page boundaries, never skipping or repeating a row, and the free count matches the walk', async () => {
    const { key } = await funded(1000);
    for (const kind of ['b2b', 'local', 'creators'] as const) {
      const all = await s.searchLeads(key, kind, { filters: mine(), limit: ALL });
      const order = all.data!.items.map((r) => r.id);
      const pages = await walk(s, key, kind, { filters: mine(), limit: 2 });
      expect(pages.map((p) => p.items.length)).toEqual(kind === 'b2b' ? [2, 2, 1] : [2, 2]);
      expect(pages.flatMap((p) => p.items.map((r) => r.id))).toEqual(order);
      expect(pages.map((p) => p.hasMore)).toEqual([...pages.slice(1).map(() => true), false]);
      const count = await s.countLeads(key, kind, { filters: mine() });
      expect(count.data).toEqual({ total: order.length, creditsUsed: 0 });
    }
    const filters = mine({ countries: ['US'], hasEmail: true });
    const walked = (await walk(s, key, 'creators', { filters, limit: 1 })).flatMap((p) => p.items);
    expect((await s.countLeads(key, 'creators', { filters })).data!.total).toBe(walked.length);
  });

  it('charges each fresh row once: never again, and on a mixed page only the new rows', async () => {
    const tenant = await funded(100);
    const { key } = tenant;
    const de = await s.searchLeads(key, 'b2b', { filters: mine({ countries: ['DE'] }) });
    expect(de.data).toMatchObject({ creditsUsed: 2, reportedCredits: 2 });
    expect(de.data!.items.map((r) => r.charged)).toEqual([true, true]);
    expect((await s.creditBalance(key)).data).toBe(98);

    const again = await s.searchLeads(key, 'b2b', { filters: mine({ countries: ['DE'] }) });
    expect(again.data).toMatchObject({ creditsUsed: 0, reportedCredits: 0 });
    expect(again.data!.items.map((r) => r.charged)).toEqual([false, false]);

    const mixed = await s.searchLeads(key, 'b2b', { filters: mine() });
    expect(mixed.data).toMatchObject({ creditsUsed: 3, reportedCredits: 3 });
    const unlockedBefore = new Set(de.data!.items.map((r) => r.id));
    for (const row of mixed.data!.items) expect(row.charged, row.externalId).toBe(!unlockedBefore.has(row.id));
    expect((await s.creditBalance(key)).data).toBe(95);

    // Nothing found costs nothing, even with nothing to pay with.
    const broke = await funded(0);
    const none = await s.searchLeads(broke.key, 'b2b', { filters: mine({}, 'nosuchword') });
    expect(none.data).toMatchObject({ items: [], creditsUsed: 0, reportedCredits: 0, hasMore: false });
  });

  it('stops a page before the row that would pass max_credits, and has_more stays true', async () => {
    const { key } = await funded(100);
    await s.searchLeads(key, 'b2b', { filters: mine({ countries: ['DE'] }) });
    const capped = await s.searchLeads(key, 'b2b', { filters: mine(), maxCredits: 1 });
    expect(capped.data).toMatchObject({ creditsUsed: 1, reportedCredits: 1, hasMore: true });
    expect(capped.data!.items.filter((r) => r.charged)).toHaveLength(1);
    const rest = await walk(s, key, 'b2b', { filters: mine(), cursor: capped.data!.nextCursor });
    expect(rest.reduce((n, p) => n + p.creditsUsed, 0)).toBe(2);
    expect((await s.creditBalance(key)).data).toBe(100 - 2 - 1 - 2);

    // Now every row is unlocked: the full page, free, shows the order the capped page was cut from.
    const full = await s.searchLeads(key, 'b2b', { filters: mine(), limit: ALL });
    expect(full.data!.creditsUsed).toBe(0);
    const order = full.data!.items.map((r) => r.id);
    const cut = capped.data!.items.length;
    expect(capped.data!.items.map((r) => r.id)).toEqual(order.slice(0, cut));
    expect(rest.flatMap((p) => p.items.map((r) => r.id))).toEqual(order.slice(cut));
    // The row after the cut was one the cap could not pay for.
    expect(rest[0]!.items[0]!.charged).toBe(true);

    const zero = await s.searchLeads(key, 'b2b', { filters: mine(), maxCredits: 0, limit: ALL });
    expect(zero.data).toMatchObject({ creditsUsed: 0, hasMore: false });
    expect(zero.data!.items).toHaveLength(5);

    // A page the cap cuts to no rows continues where it was asked to start.
    const fresh = await funded(100);
    const cursor = (await s.searchLeads(key, 'b2b', { filters: mine(), limit: 1 })).data!.nextCursor;
    const empty = await s.searchLeads(fresh.key, 'b2b', { filters: mine(), cursor, maxCredits: 0 });
    expect(empty.data).toMatchObject({ items: [], creditsUsed: 0, hasMore: true, nextCursor: cursor });
    expect((await s.creditBalance(fresh.key)).data).toBe(100);
  });

  it('refuses a search the balance cannot cover with 402: no rows, no charge, nothing unlocked', async () => {
    const tenant = await funded(1);
    const refused = await s.searchLeads(tenant.key, 'b2b', { filters: mine() });
    expect(refused).toMatchObject({
      status: 402,
      code: 'insufficient_credits',
      message: 'Insufficient credits: this request costs 5 credits and the balance is 1',
    });
    expect(refused.data).toBeUndefined();
    expect((await s.creditBalance(tenant.key)).data).toBe(1);

    const one = await s.searchLeads(tenant.key, 'b2b', { filters: mine(), maxCredits: 1 });
    expect(one.data!.creditsUsed).toBe(1);
    await addCredits(t.database.db, tenant.workspaceId, 10);
    // Only the row paid for is unlocked: the refused search unlocked none.
    const all = await s.searchLeads(tenant.key, 'b2b', { filters: mine() });
    expect(all.data!.creditsUsed).toBe(4);
    expect((await s.creditBalance(tenant.key)).data).toBe(6);
  });

  it('charges each row once in total across 50 concurrent identical searches', async () => {
    const { key } = await funded(1000);
    const results = await Promise.all(Array.from({ length: 50 }, () => s.searchLeads(key, 'b2b', { filters: mine(), limit: ALL })));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(results.reduce((n, r) => n + r.data!.creditsUsed, 0)).toBe(5);
    const paidFor = results.flatMap((r) => r.data!.items.filter((row) => row.charged).map((row) => row.id));
    expect(paidFor.sort()).toEqual(results[0]!.data!.items.map((r) => r.id).sort());
    expect((await s.creditBalance(key)).data).toBe(995);
  });

  it('counts for free', async () => {
    const { key } = await funded(0);
    expect((await s.countLeads(key, 'b2b', { filters: mine({ countries: ['DE', 'US'] }) })).data).toEqual({ total: 4, creditsUsed: 0 });
    expect((await s.countLeads(key, 'local', { filters: mine({ near: { lat: 52.52, lng: 13.405, radiusKm: 40 } }) })).data).toEqual({
      total: 2,
      creditsUsed: 0,
    });
    expect((await s.countLeads(key, 'creators', { filters: mine({ niches: ['fitness'] }) })).data).toEqual({ total: 2, creditsUsed: 0 });
    expect((await s.creditBalance(key)).data).toBe(0);
  });

  it('refuses a key without read:leads, search and count alike', async () => {
    const tenant = await funded(100);
    const weak = (await s.createKey(tenant.key, { name: 'no leads', permissions: ['read:contacts'] })).data!;
    for (const r of [await s.searchLeads(weak.secret, 'b2b', { filters: mine() }), await s.countLeads(weak.secret, 'local', { filters: mine() })]) {
      expect(r).toMatchObject({ status: 403, code: 'insufficient_permissions', message: 'Missing required permission: read:leads' });
    }
    expect((await s.creditBalance(tenant.key)).data).toBe(100);
    const reader = (await s.createKey(tenant.key, { name: 'leads', permissions: ['read:leads'] })).data!;
    expect((await s.searchLeads(reader.secret, 'creators', { filters: mine() })).data!.creditsUsed).toBe(4);
  });

  it('keeps unlocks per workspace: another pays its own, and sees nothing of what others unlocked', async () => {
    const a = await funded(100);
    const b = await funded(100);
    expect((await s.searchLeads(a.key, 'local', { filters: mine() })).data!.creditsUsed).toBe(4);
    const seenByB = await s.searchLeads(b.key, 'local', { filters: mine() });
    expect(seenByB.data!.creditsUsed).toBe(4);
    expect(seenByB.data!.items.every((r) => r.charged)).toBe(true);
    expect((await s.searchLeads(a.key, 'local', { filters: mine() })).data!.creditsUsed).toBe(0);
    expect((await s.creditBalance(b.key)).data).toBe(96);
  });

  it('refuses bad input with validation_error naming the field as the caller sent it', async () => {
    const { key } = await funded(100);
    const rest = s.name === 'rest';
    const refused = async (q: LeadSearchQuery, kind: LeadKind = 'b2b') => {
      const r = await s.searchLeads(key, kind, q);
      expect(r.status, JSON.stringify(r)).toBe(400);
      expect(r.code).toBe('validation_error');
      return r.message!;
    };
    expect(await refused({ filters: mine({ colour: 'red' }) })).toMatch(
      rest ? /^filters\.colour is not a known field$/ : /"colour" is not defined by type "B2bLeadFilter"/,
    );
    expect(await refused({ filters: mine({ companySize: { min: 500, max: 50 } }) })).toBe(
      rest ? 'filters.company_size.min must be at most max' : 'filter.companySize.min must be at most max',
    );
    expect(await refused({ filters: mine({ followers: { min: 10, max: 5 } }) }, 'creators')).toBe(
      rest ? 'filters.followers.min must be at most max' : 'filter.followers.min must be at most max',
    );
    expect(await refused({ filters: mine({ near: { lat: 52.5, lng: 13.4, radiusKm: 501 } }) }, 'local')).toBe(
      rest ? 'filters.near.radius_km must be at most 500 km' : 'filter.near.radiusKm must be at most 500 km',
    );
    expect(await refused({ filters: mine(), limit: 101 })).toBe(`${rest ? 'limit' : 'first'} must be a whole number from 1 to 100`);
    expect(await refused({ filters: mine(), cursor: 'not-a-cursor' })).toMatch(rest ? /^cursor / : /^after /);
    // A cursor of another kind's search is refused too.
    const local = await s.searchLeads(key, 'local', { filters: mine(), limit: 1 });
    expect(await refused({ filters: mine(), cursor: local.data!.nextCursor })).toMatch(rest ? /^cursor / : /^after /);
    const badCount = await s.countLeads(key, 'b2b', { filters: mine({ companySize: { min: -1 } }) });
    expect(badCount).toMatchObject({
      status: 400,
      code: 'validation_error',
      message: `${rest ? 'filters.company_size' : 'filter.companySize'}.min must be at least 0`,
    });
    expect((await s.creditBalance(key)).data).toBe(99);
  });

  it('records the credits in the request log, and usage sums them', async () => {
    const tenant = await funded(100);
    await s.searchLeads(tenant.key, 'creators', { filters: mine({ verified: true }) });
    await s.searchLeads(tenant.key, 'creators', { filters: mine() });
    await s.searchLeads(tenant.key, 'creators', { filters: mine() });
    await s.countLeads(tenant.key, 'creators', { filters: mine() });
    const logs = await s.logs(tenant.key, { endpoint: s.leadSearchEndpoint('creators') });
    expect(logs.data!.items.map((l) => l.credits)).toEqual([0, 2, 2]);
    const usage = await s.usage(tenant.key);
    expect(usage.data!.creditsUsed).toBe(4);
  });
});

describe('lead search on both surfaces', () => {
  it('shows the same row alike (REST in snake_case, GraphQL in camelCase)', async () => {
    const { key } = await funded(100);
    for (const kind of ['b2b', 'local', 'creators'] as const) {
      const [rest, graphql] = await Promise.all(SURFACES.map(([, make]) => make(t).searchLeads(key, kind, { filters: mine(), limit: ALL })));
      const plain = (p: typeof rest) => p!.data!.items.map(({ charged: _c, ...row }) => row);
      expect(plain(graphql)).toEqual(plain(rest));
      expect(Object.keys(rest!.data!.items[0]!).length).toBeGreaterThan(14);
    }
  });

  it('prices a GraphQL search by its page size', async () => {
    const { key } = await funded(1000);
    const cost = async (first?: number) => (await t.gql(ops.SearchB2bLeads, { filter: { q: TOKEN }, first }, { key })).body.extensions?.cost;
    expect(await cost(100)).toEqual({ nodes: 100, points: 1 });
    expect(await cost(5)).toEqual({ nodes: 5, points: 1 });
    expect(await cost()).toEqual({ nodes: 25, points: 1 });
  });
});
