/**
 * Throughput benchmark: our GraphQL and REST surfaces, with the whole gateway on (plan limits,
 * per-key quotas, request logging), against a bare graphql-yoga server.
 *
 *   npm run bench
 *
 * Environment:
 *   BENCH_ROUNDS          interleaved rounds; each round runs every selected target once (default 3)
 *   BENCH_SECONDS         measured seconds per target per round (default 6 with several rounds, 10 with one)
 *   BENCH_WARMUP_SECONDS  unmeasured warm-up before every measured run (default 2)
 *   BENCH_CONNECTIONS     concurrent connections (default 50)
 *   BENCH_TARGETS         comma-separated target names to run (default: all)
 *   BENCH_REDIS_URL       also run our server with its counters in this Redis (the redis-* targets
 *                         and the f/a goal); unset, they are skipped. The server writes its counters
 *                         under "wsapi:"; the benchmark deletes its own workspace's and keys'
 *                         counters afterwards and touches nothing else.
 *   BENCH_DATABASE_URL    also run our server against this PostgreSQL database (the pg-* targets and
 *                         the "pg …" ratios); unset, they are skipped. It writes to it: a "bench-…"
 *                         workspace with an admin key, a quota key, and request logs.
 *
 * No Redis or PostgreSQL is used unless named here: DATABASE_URL and REDIS_URL of the calling
 * shell are ignored, and nothing is tried at a default address.
 *
 * Servers: (a) bare Yoga; our server on PGlite with counters in process ("ours-*"); a second one
 * on its own PGlite with REDIS_URL, counters in Redis ("redis-*"); and with BENCH_DATABASE_URL a
 * third on PostgreSQL ("pg-*"). Targets: (a) yoga-graphql; (b) ours-graphql, `{ viewer { id } }`
 * with the workspace's admin key; (c) ours-rest-me; (d) ours-bad-key and ours-forged-key floods;
 * (e) ours-full, `{ viewer { id } }` with a key created through POST /v1/api-keys with daily and
 * monthly quotas; (f) redis-full, the same on the Redis server; (g) redis-graphql.
 *
 * Every key is on the standard tier, so the plan's per-second, per-minute and per-day windows
 * count every request (the Admin plan's are high enough, 100,000/s, that the load is admitted),
 * and the full-gateway keys' rolling quotas are counted too. This is checked, not assumed: the
 * probe before each run requires 200, the expected body and the X-RateLimit-* headers; a probe
 * after the run requires the day window to have lost at least a point per response; after the
 * last round the request logs of each key must hold at least the responses this process saw;
 * and on the Redis server the key's quota counter must be in Redis.
 *
 * Each target is a file under bench/targets/ (its server, its requests, the ratios it is measured
 * by); bench/harness/ is what they share: the child processes, load generation and measurement,
 * CPU accounting and reporting.
 *
 * Each server is its own child process and autocannon runs here, so on a 2-core machine the
 * server under load and the load generator each get a core. Targets run one at a time.
 *
 * On a small machine one run of a target can differ from the next by a quarter, so a ratio of
 * two single runs says little. Instead the targets run in interleaved rounds (round 1: every
 * target, round 2: every target, ...), each target reports the median of its rounds, and each
 * ratio is computed within a round (that round's numerator / that round's denominator, so both
 * saw the same machine) and reported as the median of those per-round ratios; PASS/FAIL uses it.
 * Before every run we wait (bounded) for the whole machine to go quiet, so work left over from
 * the previous target (our server flushing request logs, PostgreSQL catching up) does not land on
 * the next one; and each run accounts for where the CPU went, flagging runs that shared the
 * machine with something else (another shell's test suite, say): close those and run again.
 *
 * Prints a table, the ratios to the baseline, one PASS/FAIL line per goal, and a final
 * `BENCH_JSON {...}` line. Exits 1 when a goal measured falls short (each such goal is named with
 * its measured and wanted figure on stderr), or when the benchmark itself failed.
 */
import { runBench } from './harness/run.js';
import { ours } from './targets/ours.js';
import { pg } from './targets/pg.js';
import { redis } from './targets/redis.js';
import { yoga } from './targets/yoga.js';

// The order of the table, the rounds and the ratios.
await runBench([yoga, ours, redis, pg]);
