/** Our server on PostgreSQL (BENCH_DATABASE_URL), counters in process: the same targets as on PGlite. */
import { config } from '../harness/config.js';
import { freePort, makeTempDir, spawnTs, waitUntilReady } from '../harness/processes.js';
import { ADMIN_KEY, oursEnv, prepareKeys } from '../harness/servers.js';
import type { Suite } from '../harness/targets.js';
import { oursTargets } from './ours.js';

export const pg: Suite = {
  server: {
    id: 'ours-pg',
    label: 'our server, PostgreSQL (BENCH_DATABASE_URL), counters in process',
    async start() {
      if (!config.databaseUrl) throw new Error('ours-pg needs BENCH_DATABASE_URL');
      // A database that already has workspaces makes the server print no key, so mint our own with the CLI.
      const dataDir = makeTempDir();
      const cli = spawnTs('cli bootstrap', 'src/cli.ts', ['bootstrap', '--workspace', `bench-${Date.now()}`, '--plan', 'admin', '--json'], {
        DATA_DIR: dataDir,
        DATABASE_URL: config.databaseUrl,
        LOG_LEVEL: 'warn',
      });
      const how = await cli.exited;
      const adminKey = ADMIN_KEY.exec(cli.output.head)?.[0];
      if (!adminKey) throw new Error(`cli bootstrap (${how}) printed no key:\n${cli.output.lastLines()}`);

      const port = await freePort();
      const child = spawnTs('ours-pg', 'src/server.ts', [], { ...oursEnv(port, dataDir), DATABASE_URL: config.databaseUrl });
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitUntilReady(child, `${baseUrl}/healthz`, { method: 'GET' });
      const keys = await prepareKeys('ours-pg', baseUrl, adminKey);
      return { id: 'ours-pg', baseUrl, keys, redisUrl: null, child, seen: { admin: 2, full: 0 } };
    },
  },
  targets: oursTargets('ours-pg', 'pg'),
  ratios: [
    { name: 'pg b/a', numerator: 'pg-graphql', denominator: 'yoga-graphql', label: 'our GraphQL on PostgreSQL' },
    { name: 'pg c/a', numerator: 'pg-rest-me', denominator: 'yoga-graphql', label: 'our REST /v1/me on PostgreSQL' },
    { name: 'pg e/a', numerator: 'pg-full', denominator: 'yoga-graphql', label: 'full gateway on PostgreSQL' },
  ],
  needs: {
    env: 'BENCH_DATABASE_URL',
    set: config.databaseUrl !== undefined,
    example: 'postgres://postgres@127.0.0.1:5432/bench',
    what: 'our server on PostgreSQL',
  },
};
