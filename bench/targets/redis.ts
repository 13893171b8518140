/** (f), (g) Our server on PGlite with its counters in Redis (BENCH_REDIS_URL): the full gateway and plain GraphQL. */
import { config } from '../harness/config.js';
import { afterStop } from '../harness/processes.js';
import { REDIS_PREFIX, redisForget, redisKeys, redisPing } from '../harness/redis.js';
import { startOursPglite } from '../harness/servers.js';
import { graphqlTarget, type Suite } from '../harness/targets.js';

export const redis: Suite = {
  server: {
    id: 'ours-redis',
    label: `our server, PGlite in a fresh DATA_DIR, counters in Redis (BENCH_REDIS_URL)`,
    async start() {
      const redisUrl = config.redisUrl;
      if (!redisUrl) throw new Error('ours-redis needs BENCH_REDIS_URL');
      await redisPing(redisUrl);
      const server = await startOursPglite('ours-redis', redisUrl);
      const keys = server.keys!;
      afterStop.push(async () => {
        const n = await redisForget(redisUrl, keys);
        process.stdout.write(`bench: deleted ${n} Redis keys of the bench workspace ${keys.workspaceId} and its keys\n`);
      });
      // Set-up counted the admin key's calls: in Redis, not in the fallback store, if the workspace's windows are there.
      const found = await redisKeys(redisUrl, `${REDIS_PREFIX}w:${server.keys!.workspaceId}:*`);
      if (found.length === 0) {
        throw new Error(
          `ours-redis: no ${REDIS_PREFIX}w:${server.keys!.workspaceId}:* counters in Redis after set-up; is the limiter on Redis?\n${server.child.output.lastLines()}`,
        );
      }
      return server;
    },
  },
  targets: [
    graphqlTarget('redis-full', 'ours-redis', 'full', 'as ours-full, counters in Redis: plan limits + rolling quotas + logging'),
    graphqlTarget('redis-graphql', 'ours-redis', 'admin', 'as ours-graphql, counters in Redis'),
  ],
  ratios: [
    { name: 'f/a', numerator: 'redis-full', denominator: 'yoga-graphql', label: 'full gateway with Redis', atLeast: 0.85 },
    { name: 'g/a', numerator: 'redis-graphql', denominator: 'yoga-graphql', label: 'our GraphQL with Redis' },
  ],
  needs: { env: 'BENCH_REDIS_URL', set: config.redisUrl !== undefined, example: 'redis://127.0.0.1:6379/15', what: 'counters in Redis' },
};
