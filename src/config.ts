import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseTrustProxy } from './gateway/client-ip.js';
import { DEFAULT_LOOKUP_BUDGET } from './gateway/lookup-budget.js';
import { DEFAULT_MAX_BODY_BYTES } from './http/body.js';

const intFrom = (def: number) => z.coerce.number().int().min(0).default(def);

const envSchema = z.object({
  PORT: intFrom(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).optional(),
  /** Run the app's own fixed statements on PostgreSQL as prepared statements; `false` for a connection pooler that cannot keep them. */
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
  REDIS_URL: z.string().min(1).optional(),
  DATA_DIR: z.string().default('./.data'),
  /** Base64 or hex, ≥32 bytes; seals idempotent replays at rest. Default: a file in DATA_DIR. */
  APP_SECRET: z.string().min(32).optional(),
  /**
   * The proxies in front of the server whose X-Forwarded-For is believed: `false` (default),
   * a hop count, or a comma list of addresses, CIDRs, `loopback`, `linklocal`, `uniquelocal`.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      try {
        return parseTrustProxy(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  IP_BLOCK_MAX_FAILURES: intFrom(20),
  IP_BLOCK_WINDOW_SECONDS: intFrom(60),
  IP_BLOCK_COOLDOWN_SECONDS: intFrom(300),
  /** Database lookups of uncached keys per second, all addresses together; 0 = no budget. */
  UNKNOWN_KEY_LOOKUPS_PER_SECOND: intFrom(DEFAULT_LOOKUP_BUDGET.perSecond),
  UNKNOWN_KEY_LOOKUP_BURST: intFrom(DEFAULT_LOOKUP_BUDGET.burst),
  /** The share of that budget one address may spend, in percent. */
  UNKNOWN_KEY_LOOKUP_ADDRESS_PERCENT: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(DEFAULT_LOOKUP_BUDGET.addressShare * 100),
  /** GraphQL requests without a key (introspection) per address per minute; 0 = no limit. */
  ANONYMOUS_REQUESTS_PER_MINUTE: intFrom(60),
  LOG_RETENTION_DAYS: intFrom(90),
  /** Bound on a graceful stop (SIGTERM): in-flight requests, the last request logs, the database. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(10),
  /** Largest request body accepted on any path (REST and GraphQL); larger is 413 payload_too_large. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_MAX_BODY_BYTES),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_PLAN: z.string().default('enterprise'),
  /** Keep each lead kind's filter columns in memory for fast counts and searches (about 300 MB per million leads of a kind); `false` answers every search with SQL alone. */
  LEAD_SEARCH_INDEX: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
});

export type Env = z.infer<typeof envSchema>;

export function loadEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * APP_SECRET if set; otherwise a random secret kept in DATA_DIR/app-secret (0600), created on
 * first start. It lives outside the database so a database dump alone opens nothing.
 */
export function loadServerSecret(env: Env): Buffer {
  if (env.APP_SECRET) return Buffer.from(env.APP_SECRET, 'utf8');
  const file = join(env.DATA_DIR, 'app-secret');
  if (!existsSync(file)) {
    mkdirSync(env.DATA_DIR, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process created it first: read theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
}
