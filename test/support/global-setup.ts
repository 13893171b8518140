import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migratePgliteInstance, migratePostgresUrl } from '../../src/db/migrate.js';
import { seedPlans } from '../../src/db/plans.js';
import { wrapPglite } from '../../src/db/client.js';

/**
 * Migrates once per run. On PostgreSQL, the shared test database; on PGlite, a template whose
 * data directory every test file loads (a fresh PGlite migration takes seconds).
 */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    await migratePostgresUrl(url);
    return;
  }
  const pg = await PGlite.create();
  await migratePgliteInstance(pg);
  await seedPlans(wrapPglite(pg).db);
  const dump = await pg.dumpDataDir('none');
  await pg.close();
  const dir = join(tmpdir(), `workspace-api-test-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  // Test workers are forked after this and inherit the environment.
  process.env.PGLITE_TEMPLATE = file;
}
