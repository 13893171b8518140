/** The benchmark's settings, from BENCH_* (see bench/run.ts); read once, when the harness loads. */

export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

const rounds = intEnv('BENCH_ROUNDS', 3);
if (rounds < 1) throw new Error('BENCH_ROUNDS must be at least 1');

export const config = {
  rounds,
  // Several shorter rounds beat one long run on a noisy machine; 3 × 6 s keeps `npm run bench` to a few minutes.
  seconds: intEnv('BENCH_SECONDS', rounds > 1 ? 6 : 10),
  warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', 2),
  connections: intEnv('BENCH_CONNECTIONS', 50),
  only: process.env.BENCH_TARGETS
    ? new Set(
        process.env.BENCH_TARGETS.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
    : null,
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
  redisUrl: process.env.BENCH_REDIS_URL || undefined,
};
if (config.seconds < 1) throw new Error('BENCH_SECONDS must be at least 1');
