import { describe, expect, it } from 'vitest';
import { addCredits } from '../src/domain/credits.js';
import { serverForFile } from './support/fixture.js';
import { processEnv, realProcesses } from './support/processes.js';
import { SURFACES } from './support/surfaces.js';

const t = serverForFile();
const procs = realProcesses('wsapi-credits-');

// How credits are charged, refunded and raced: test/domain/credits.test.ts.
describe('credits', () => {
  it.each(SURFACES)('show the balance over %s', async (_n, makeSurface) => {
    const tenant = await t.tenant();
    await addCredits(t.database.db, tenant.workspaceId, 250);
    const r = await makeSurface(t).creditBalance(tenant.key);
    expect(r).toMatchObject({ status: 200, data: 250 });
  });

  // The CLI is another process: it can share the suite's database only when that is PostgreSQL.
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'are added by the CLI',
    async () => {
      const tenant = await t.tenant();
      const { stdout } = await procs.cli(processEnv(procs.tempDir()), ['credits', 'add', '--workspace', tenant.workspaceId, '--amount', '500', '--json']);
      expect(JSON.parse(stdout)).toEqual({ workspace: { id: tenant.workspaceId }, credit_balance: 500 });
    },
    60_000,
  );
});
