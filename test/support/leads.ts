import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/client.js';
import { leadsB2b, leadsCreator, leadsLocal } from '../../src/db/schema.js';
import type { LeadKind } from '../../src/domain/leads/inputs.js';
import { leadId } from '../../src/domain/leads/kinds.js';

/**
 * Lead rows for surface tests. The lead tables are the operator's dataset, shared by every test
 * file on one PostgreSQL in CI, so a file inserts rows under external ids of its own and scopes
 * every search to them (a word of its own, `token()`, in a keyword field, passed as `q`).
 */

const TABLES = { b2b: leadsB2b, local: leadsLocal, creators: leadsCreator } as const;
type Insert = { [K in LeadKind]: (typeof TABLES)[K]['$inferInsert'] };
export type LeadFixture<K extends LeadKind> = Omit<Insert[K], 'id' | 'externalId' | 'updatedAt'>;

export const LEADS_UPDATED_AT = new Date('2026-11-01T00:00:00.000Z');

/** A word no other row holds: letters only, so the keyword parser keeps it one word. */
export function token(): string {
  return `z${[...randomBytes(10)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;
}

/** Inserts `rows` under external ids `<prefix>-<n>` (again: nothing), returning their lead ids in the same order. */
export async function insertLeads<K extends LeadKind>(db: Db, kind: K, prefix: string, rows: readonly LeadFixture<K>[]): Promise<string[]> {
  const values = rows.map((r, i) => ({ ...r, id: leadId(kind, `${prefix}-${i}`), externalId: `${prefix}-${i}`, updatedAt: LEADS_UPDATED_AT }));
  await db
    .insert(TABLES[kind])
    .values(values as never)
    .onConflictDoNothing();
  return values.map((v) => v.id);
}

/**
 * Rows that the declared example requests of the lead operations find (src/operations/leads.ts),
 * so /api-docs' examples answer real rows on a test server.
 */
export async function insertExampleLeads(db: Db): Promise<void> {
  const prefix = `docs-example-${token()}`;
  await insertLeads(db, 'b2b', prefix, [
    {
      firstName: 'Greta',
      lastName: 'Hahn',
      title: 'VP Engineering',
      seniority: 'vp',
      department: 'Engineering',
      email: 'greta@example.de',
      city: 'Berlin',
      country: 'DE',
      companyName: 'Example Robotics',
      companyDomain: 'example.de',
      industry: 'Robotics',
      companySize: 120,
    },
  ]);
  await insertLeads(db, 'local', prefix, [
    {
      name: 'Example Kaffee',
      category: 'Cafe',
      city: 'Berlin',
      country: 'DE',
      latitude: 52.5201,
      longitude: 13.4049,
      rating: 4.7,
      website: 'https://kaffee.example',
    },
  ]);
  await insertLeads(db, 'creators', prefix, [
    {
      handle: 'example_fit',
      displayName: 'Example Fit',
      platform: 'instagram',
      followers: 48_000,
      engagementRate: 0.051,
      niches: ['fitness'],
      email: 'fit@example.com',
    },
  ]);
}
