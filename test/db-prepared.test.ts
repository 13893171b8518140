import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { PgDialect } from 'drizzle-orm/pg-core';
import { type Database, namedStatement, openPostgres, preparedStatementPolicy, selectRows } from '../src/db/client.js';
import { workspaces } from '../src/db/schema.js';

const PG_URL = process.env.TEST_DATABASE_URL;

describe('which statements are prepared', () => {
  it('what the app names, and hand-written SQL marked as named; never what the query builder made (it may be shaped by a request)', () => {
    const prepare = preparedStatementPolicy(true);
    expect(prepare('select 1 where $1', true)).toBe(true);
    expect(prepare('select * from t where a in ($1, $2)', false)).toBe(false);
    expect(prepare('select 1 where $1', undefined)).toBe(false);
    const marked = new PgDialect().sqlToQuery(namedStatement('probe', sql`select ${1}`)).sql;
    expect(marked).toBe('/* prepared: probe */ select $1');
    expect(prepare(marked, false)).toBe(true);
    expect(() => namedStatement('Probe; drop', sql`select 1`)).toThrow('lower-case letters and underscores only');
  });

  it('DATABASE_PREPARED_STATEMENTS=false prepares nothing', () => {
    const prepare = preparedStatementPolicy(false);
    expect(prepare('select 1 where $1', true)).toBe(false);
    expect(prepare('/* prepared: probe */ select $1', false)).toBe(false);
  });
});

describe.skipIf(!PG_URL)('prepared statements on PostgreSQL', () => {
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  /** The statements the one connection of a fresh pool holds prepared after running each kind of statement three times. */
  async function preparedAfterRepeats(preparedStatements: boolean): Promise<string[]> {
    database = openPostgres(PG_URL!, { max: 1, preparedStatements });
    const db = database.db;
    const marker = `prepared_probe_${process.pid}_${preparedStatements}`;
    const named = db
      .select({ v: sql<string>`${sql.placeholder('m')}::text || 'named'` })
      .from(workspaces)
      .limit(1)
      .prepare('probe');
    for (let i = 0; i < 3; i++) {
      const [row] = await selectRows<{ v: string }>(db, namedStatement('probe', sql`select ${marker}::text || ${String(i)} as v`));
      expect(row?.v).toBe(`${marker}${i}`);
      // The query builder's own statement, and the same inside a transaction and a savepoint.
      await db.select({ id: workspaces.id }).from(workspaces).where(sql`${workspaces.id} = ${marker}`);
      await db.transaction(async (tx) => {
        await tx.select({ id: workspaces.id }).from(workspaces).where(sql`${workspaces.id} = ${marker}`);
        await tx.transaction(async (inner) => {
          const [r] = await selectRows<{ v: string }>(inner, namedStatement('probe', sql`select ${marker}::text || ${String(i)} as v`));
          // Hand-written but not marked: unnamed.
          await selectRows(inner, sql`select ${marker}::text || 'unmarked' as v`);
          expect(r?.v).toBe(`${marker}${i}`);
        });
      });
      await named.execute({ m: marker });
    }
    const rows = await selectRows<{ statement: string }>(
      db,
      sql`select statement from pg_prepared_statements where statement like ${'%$1::text%'} or statement like ${'%from "workspaces" where%'} order by statement`,
    );
    return rows.map((r) => r.statement);
  }

  it('a marked hand-written statement and a named one are prepared on their connection (in transactions too); others are not', async () => {
    const statements = await preparedAfterRepeats(true);
    expect(statements).toEqual(['/* prepared: probe */ select $1::text || $2 as v', `select $1::text || 'named' from "workspaces" limit $2`]);
  });

  it('DATABASE_PREPARED_STATEMENTS=false: none is', async () => {
    expect(await preparedAfterRepeats(false)).toEqual([]);
  });
});
