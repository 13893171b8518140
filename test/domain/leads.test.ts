import { addCredits, creditBalance } from '../../src/domain/credits.js';
import { eq } from 'drizzle-orm';
import { leadsB2b, leadsCreator, leadsLocal, leadUnlocks } from '../../src/db/schema.js';
import { leadId } from '../../src/domain/leads/kinds.js';
import { countLeads, searchLeads } from '../../src/domain/leads/search.js';
import type { Domain } from '../support/fixture.js';
import { describe, expect, test } from '../support/fixture.js';
import { insertLeads, token } from '../support/leads.js';

const NOW = new Date('2026-01-01T00:00:00Z');
let seeded = false;
/**
 * This run's word: in every row's external id and in a keyword field, so the searches here (which
 * pass it as `q`) see only these rows when other files share the lead tables (PostgreSQL in CI).
 */
const RUN = token();

/** Rows of every kind with known values; the lead tables are shared, so a file seeds its own external ids once. */
async function seed(domain: Domain) {
  if (seeded) return;
  seeded = true;
  const b2b = [
    {
      n: 1,
      title: 'Chief Technology Officer',
      seniority: 'c_suite',
      department: 'Engineering',
      country: 'DE',
      city: 'Berlin',
      size: 120,
      email: 'a@acme.de',
      company: 'Acme SaaS',
    },
    { n: 2, title: 'CTO', seniority: 'c_suite', department: 'Engineering', country: 'DE', city: 'Munich', size: 40, email: null, company: 'Beta GmbH' },
    {
      n: 3,
      title: 'Sales Manager',
      seniority: 'manager',
      department: 'Sales',
      country: 'US',
      city: 'Austin',
      size: 800,
      email: 'c@gamma.com',
      company: 'Gamma Inc',
    },
    { n: 4, title: 'Founder', seniority: 'owner', department: 'Executive', country: 'de', city: 'Berlin', size: 8, email: 'd@delta.io', company: 'Delta SaaS' },
  ];
  await domain.db.insert(leadsB2b).values(
    b2b.map((r) => ({
      id: leadId('b2b', `${RUN}-t-b2b-${r.n}`),
      externalId: `${RUN}-t-b2b-${r.n}`,
      firstName: `First${r.n}`,
      lastName: `Last${r.n}`,
      title: r.title,
      seniority: r.seniority,
      department: r.department,
      country: r.country,
      city: r.city,
      companySize: r.size,
      email: r.email,
      companyName: `${r.company} ${RUN}`,
      updatedAt: NOW,
    })),
  );
  await domain.db.insert(leadsLocal).values([
    {
      id: leadId('local', `${RUN}-t-loc-1`),
      externalId: `${RUN}-t-loc-1`,
      name: `Cafe Mitte ${RUN}`,
      category: 'Cafe',
      city: 'Berlin',
      country: 'DE',
      latitude: 52.52,
      longitude: 13.405,
      rating: 4.5,
      reviewCount: 120,
      updatedAt: NOW,
    },
    {
      id: leadId('local', `${RUN}-t-loc-2`),
      externalId: `${RUN}-t-loc-2`,
      name: `Potsdam Bakery ${RUN}`,
      category: 'Bakery',
      city: 'Potsdam',
      country: 'DE',
      latitude: 52.39,
      longitude: 13.06,
      rating: 3.9,
      reviewCount: 10,
      website: 'https://bake.example',
      updatedAt: NOW,
    },
    {
      id: leadId('local', `${RUN}-t-loc-3`),
      externalId: `${RUN}-t-loc-3`,
      name: `Hamburg Cafe ${RUN}`,
      category: 'Cafe',
      city: 'Hamburg',
      country: 'DE',
      latitude: 53.55,
      longitude: 9.99,
      rating: 4.8,
      reviewCount: 300,
      updatedAt: NOW,
    },
  ]);
  await domain.db.insert(leadsCreator).values([
    {
      id: leadId('creators', `${RUN}-t-cre-1`),
      externalId: `${RUN}-t-cre-1`,
      handle: 'fitfrida',
      displayName: `Frida ${RUN}`,
      platform: 'instagram',
      followers: 120_000,
      engagementRate: 0.045,
      niches: ['fitness', 'travel'],
      country: 'SE',
      language: 'sv',
      verified: true,
      updatedAt: NOW,
    },
    {
      id: leadId('creators', `${RUN}-t-cre-2`),
      externalId: `${RUN}-t-cre-2`,
      handle: 'codecat',
      displayName: `Code Cat ${RUN}`,
      platform: 'youtube',
      followers: 900_000,
      engagementRate: 0.02,
      niches: ['tech'],
      country: 'US',
      language: 'en',
      verified: false,
      email: 'cat@code.tv',
      updatedAt: NOW,
    },
  ]);
}

const ids = (page: { items: { externalId: string }[] }) => page.items.map((r) => r.externalId.slice(RUN.length + 1)).sort();

/** Only this file's rows: its word in `q`, and the test's own keywords after it. */
const mine = (filters: Record<string, unknown>) => ({ ...filters, q: [RUN, filters.q].filter(Boolean).join(' ') });

describe('lead search', () => {
  test('filters combine with AND, list values with OR, case-insensitively; count matches the rows and is free', async ({ domain }) => {
    await seed(domain);
    const ws = await domain.workspace();
    await addCredits(domain.db, ws.workspace.id, 100);
    const ctx = () => ws.admin.ctx();
    const search = (filters: Record<string, unknown>) => searchLeads(ctx(), 'b2b', { filters: mine(filters) as never, limit: 100 });
    expect(ids(await search({ countries: ['de'], q: 'saas' }))).toEqual(['t-b2b-1', 't-b2b-4']);
    expect(ids(await search({ jobTitles: ['cto', 'chief technology officer'] }))).toEqual(['t-b2b-1', 't-b2b-2']);
    expect(ids(await search({ seniorities: ['c_suite'], hasEmail: true }))).toEqual(['t-b2b-1']);
    expect(ids(await search({ companySize: { min: 51, max: 200 } }))).toEqual(['t-b2b-1']);
    expect(ids(await search({ companySize: [{ max: 10 }, { min: 500 }] }))).toEqual(['t-b2b-3', 't-b2b-4']);
    expect(ids(await search({ cities: ['BERLIN'], departments: ['executive'] }))).toEqual(['t-b2b-4']);
    const before = await creditBalance(domain.db, ws.workspace.id);
    expect(await countLeads(ctx(), 'b2b', { filters: mine({ countries: ['DE'] }) })).toEqual({ total: 3 });
    expect(await creditBalance(domain.db, ws.workspace.id)).toBe(before);
  });

  test('local radius search and creators filters', async ({ domain }) => {
    await seed(domain);
    const ws = await domain.workspace();
    await addCredits(domain.db, ws.workspace.id, 100);
    const near = await searchLeads(ws.admin.ctx(), 'local', { filters: mine({ near: { lat: 52.52, lng: 13.405, radiusKm: 40 } }) });
    expect(ids(near)).toEqual(['t-loc-1', 't-loc-2']);
    expect(ids(await searchLeads(ws.admin.ctx(), 'local', { filters: mine({ categories: ['cafe'], minRating: 4.6 }) }))).toEqual(['t-loc-3']);
    expect(ids(await searchLeads(ws.admin.ctx(), 'local', { filters: mine({ hasWebsite: true }) }))).toEqual(['t-loc-2']);
    expect(ids(await searchLeads(ws.admin.ctx(), 'creators', { filters: mine({ niches: ['Fitness'], followers: { min: 100_000 } }) }))).toEqual(['t-cre-1']);
    expect(ids(await searchLeads(ws.admin.ctx(), 'creators', { filters: mine({ q: 'tech', platforms: ['youtube'], hasEmail: true }) }))).toEqual(['t-cre-2']);
    expect(ids(await searchLeads(ws.admin.ctx(), 'creators', { filters: mine({ engagementRate: { min: 0.03 }, verified: true }) }))).toEqual(['t-cre-1']);
  });

  test('charges each newly unlocked row once, never again, and caps a page at max_credits', async ({ domain }) => {
    await seed(domain);
    const ws = await domain.workspace();
    await addCredits(domain.db, ws.workspace.id, 10);
    const de = { filters: mine({ countries: ['DE'] }), limit: 100 };
    const capped = await searchLeads(ws.admin.ctx(), 'b2b', { ...de, maxCredits: 2 });
    expect(capped.items).toHaveLength(2);
    expect(capped.items.every((r) => r.charged)).toBe(true);
    expect(capped).toMatchObject({ creditsUsed: 2, hasMore: true });
    expect(await creditBalance(domain.db, ws.workspace.id)).toBe(8);

    const all = await searchLeads(ws.admin.ctx(), 'b2b', de);
    expect(all.items).toHaveLength(3);
    expect(all.items.filter((r) => r.charged)).toHaveLength(1);
    expect(all.creditsUsed).toBe(1);
    expect(await creditBalance(domain.db, ws.workspace.id)).toBe(7);

    const again = await searchLeads(ws.admin.ctx(), 'b2b', de);
    expect(again.creditsUsed).toBe(0);
    expect(again.items.some((r) => r.charged)).toBe(false);

    // Another workspace pays for its own unlocks.
    const other = await domain.workspace();
    await addCredits(domain.db, other.workspace.id, 10);
    expect((await searchLeads(other.admin.ctx(), 'b2b', de)).creditsUsed).toBe(3);
  });

  test('a search the balance cannot cover returns nothing and charges nothing', async ({ domain }) => {
    await seed(domain);
    const ws = await domain.workspace();
    await addCredits(domain.db, ws.workspace.id, 1);
    await expect(searchLeads(ws.admin.ctx(), 'b2b', { filters: mine({ countries: ['DE'] }) })).rejects.toMatchObject({ code: 'insufficient_credits' });
    expect(await creditBalance(domain.db, ws.workspace.id)).toBe(1);
    const after = await searchLeads(ws.admin.ctx(), 'b2b', { filters: mine({ countries: ['DE'] }), maxCredits: 1 });
    expect(after.creditsUsed).toBe(1);
  });

  test('50 concurrent identical searches charge each row exactly once', async ({ domain }) => {
    await seed(domain);
    const ws = await domain.workspace();
    await addCredits(domain.db, ws.workspace.id, 1000);
    const results = await Promise.all(Array.from({ length: 50 }, () => searchLeads(ws.admin.ctx(), 'b2b', { filters: mine({}), limit: 100 })));
    expect(results.reduce((n, r) => n + r.creditsUsed, 0)).toBe(4);
    expect(await creditBalance(domain.db, ws.workspace.id)).toBe(996);
  });

  test('two concurrent searches the balance pays only one of: one answers, the other 402, and only the paid rows are unlocked', async ({ domain }) => {
    await seed(domain);
    const ws = await domain.workspace();
    await addCredits(domain.db, ws.workspace.id, 3);
    const berlin = mine({ cities: ['Berlin'] });
    const elsewhere = mine({ cities: ['Munich', 'Austin'] });
    const outcomes = await Promise.allSettled([berlin, elsewhere].map((filters) => searchLeads(ws.admin.ctx(), 'b2b', { filters })));
    const answered = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(answered.map((o) => o.value.creditsUsed)).toEqual([2]);
    expect(refused.map((o) => (o.reason as { code?: string }).code)).toEqual(['insufficient_credits']);
    expect(await creditBalance(domain.db, ws.workspace.id)).toBe(1);
    const unlocked = await domain.db.select({ id: leadUnlocks.leadId }).from(leadUnlocks).where(eq(leadUnlocks.workspaceId, ws.workspace.id));
    expect(unlocked.map((u) => u.id).sort()).toEqual(answered[0]!.value.items.map((r) => r.id).sort());
  });

  test('a page the search index found before a write is never returned: the table answers, the new row included', async ({ domain }) => {
    const ws = await domain.workspace();
    await addCredits(domain.db, ws.workspace.id, 10);
    const ctx = ws.admin.ctx();
    const word = token();
    const [first] = await insertLeads(domain.db, 'local', `stale-${word}-a`, [{ name: `Cafe ${word}`, category: 'Cafe' }]);
    // Current now (other files may write meanwhile: then the index is older still, which is the point).
    expect(await ctx.leadIndex.ready('local')).toBe(true);
    const indexed = await ctx.leadIndex.page('local', { q: word }, null, 10);
    expect(indexed?.ids).toEqual([first]);

    const [second] = await insertLeads(domain.db, 'local', `stale-${word}-b`, [{ name: `Bistro ${word}`, category: 'Cafe' }]);
    const found = await searchLeads(ctx, 'local', { filters: { q: word } });
    expect(found.items.map((r) => [r.id, r.charged])).toEqual(
      [
        [first, true],
        [second, true],
      ].sort(),
    );
    expect(found.creditsUsed).toBe(2);
    expect(await creditBalance(domain.db, ws.workspace.id)).toBe(8);
  });

  test('pages by cursor without skipping or repeating, and refuses bad input', async ({ domain }) => {
    await seed(domain);
    const ws = await domain.workspace();
    await addCredits(domain.db, ws.workspace.id, 100);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof searchLeads<'b2b'>>> = await searchLeads(ws.admin.ctx(), 'b2b', {
        limit: 1,
        cursor,
        filters: mine({}),
      });
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['t-b2b-1', 't-b2b-2', 't-b2b-3', 't-b2b-4']);
    await expect(searchLeads(ws.admin.ctx(), 'b2b', { filters: { colour: 'red' } as never })).rejects.toMatchObject({ code: 'validation_error' });
    await expect(searchLeads(ws.admin.ctx(), 'b2b', { filters: { companySize: { min: 10, max: 5 } } })).rejects.toMatchObject({ code: 'validation_error' });
    await expect(searchLeads(ws.admin.ctx(), 'local', { filters: { near: { lat: 1, lng: 1, radiusKm: 501 } } })).rejects.toMatchObject({
      code: 'validation_error',
    });
    await expect(searchLeads(ws.admin.ctx(), 'b2b', { limit: 101 })).rejects.toMatchObject({ code: 'validation_error' });
    await expect(searchLeads(ws.admin.ctx(), 'b2b', { cursor: 'nope' })).rejects.toMatchObject({ code: 'validation_error' });
  });

  test('needs read:leads', async ({ domain }) => {
    await seed(domain);
    const ws = await domain.workspace();
    const weak = await domain.caller(ws, { permissions: ['read:contacts'] });
    await expect(countLeads(weak.ctx(), 'b2b', {})).rejects.toMatchObject({ code: 'insufficient_permissions' });
    await expect(searchLeads(weak.ctx(), 'b2b', {})).rejects.toMatchObject({ code: 'insufficient_permissions' });
  });
});
