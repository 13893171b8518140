import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openPostgres, preparedStatementPolicy, selectRows } from '../src/db/client.js';

const PG_URL = process.env.TEST_DATABASE_URL;

describe('which statements are prepared', () => {
  it('a statement seen twice, up to the limit; a one-off never takes a place', () => {
    const prepare = preparedStatementPolicy(2);
    expect(prepare('select 1 where $1')).toBe(false);
    expect(prepare('select 1 where $1')).toBe(true);
    expect(prepare('select 1 where $1')).toBe(true);
    expect(prepare('one-off $1')).toBe(false);
    expect(prepare('select 2 where $1')).toBe(false);
    expect(prepare('select 2 where $1')).toBe(true);
    // The limit is reached: later statements stay unnamed, however often they run.
    for (let i = 0; i < 5; i++) expect(prepare('select 3 where $1')).toBe(false);
    expect(prepare('select 1 where $1')).toBe(true);
  });

  it('a limit of 0 prepares nothing', () => {
    const prepare = preparedStatementPolicy(0);
    for (let i = 0; i < 3; i++) expect(prepare('select 1 where $1')).toBe(false);
  });
});

describe.skipIf(!PG_URL)('prepared statements on PostgreSQL', () => {
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  /** The statements the one connection of a fresh pool holds prepared after running `text` three times (and the question itself twice). */
  async function preparedAfterRepeats(preparedStatements: number): Promise<string[]> {
    database = openPostgres(PG_URL!, { max: 1, preparedStatements });
    const marker = `prepared_probe_${process.pid}_${preparedStatements}`;
    for (let i = 0; i < 3; i++) {
      const [row] = await selectRows<{ v: string }>(database.db, sql`select ${marker}::text || ${String(i)} as v`);
      expect(row?.v).toBe(`${marker}${i}`);
    }
    const rows = await selectRows<{ statement: string }>(
      database.db,
      sql`select statement from pg_prepared_statements where statement like ${'%select $1::text%'}`,
    );
    return rows.map((r) => r.statement);
  }

  it('a repeated statement is prepared on its connection, and still answers with each call’s parameters', async () => {
    expect(await preparedAfterRepeats(256)).toEqual(['select $1::text || $2 as v']);
  });

  it('DATABASE_PREPARED_STATEMENTS=0: none is', async () => {
    expect(await preparedAfterRepeats(0)).toEqual([]);
  });
});
