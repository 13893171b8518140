/** Our server as the benchmark runs it: its environment, its keys, and starting it on a fresh PGlite. */
import { makeTempDir, freePort, spawnTs, waitForOutput, waitUntilReady, type Child } from './processes.js';

export const ADMIN_KEY = /wbk_live_[0-9A-Za-z]{38}/;

export const json = { 'content-type': 'application/json' };

export function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** A server's name in the output and the JSON (`yoga`, `ours`, `ours-redis`, `ours-pg`). */
export type ServerId = string;

/** The keys our targets load with. Both are on the standard tier, so the plan's windows count every request. */
export type KeyRole = 'admin' | 'full';

export interface BenchKeys {
  workspaceId: string;
  /** The workspace's admin key (every scope, standard tier, no quotas). */
  admin: { id: string; secret: string };
  /** Created through REST with FULL_KEY_BODY: standard tier and rolling daily/monthly quotas. */
  full: { id: string; secret: string };
}

export interface RunningServer {
  id: ServerId;
  baseUrl: string;
  /** For our servers; null for bare Yoga. */
  keys: BenchKeys | null;
  /** Set when its limiter counts in Redis. */
  redisUrl: string | null;
  child: Child;
  /** Responses this process saw per key (probes, warm-ups, measured runs, set-up calls): each one should be a logged request. */
  seen: Record<KeyRole, number>;
}

export interface ServerSpec {
  id: ServerId;
  label: string;
  start(): Promise<RunningServer>;
}

/**
 * Common to every run of our server: quiet logs, the plan whose limits are highest, and neither
 * the IP block nor the unknown-key budget in the way of the floods: the forged-key target
 * measures what a database lookup per unknown key costs, the worst case the budget bounds.
 */
export function oursEnv(port: number, dataDir: string): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DEFAULT_PLAN: 'admin',
    IP_BLOCK_MAX_FAILURES: '0',
    UNKNOWN_KEY_LOOKUPS_PER_SECOND: '0',
  };
}

/** The key of the full-gateway targets: plan limits (standard tier), per-key rolling quotas, logging. */
export const FULL_KEY_BODY = {
  name: 'bench full',
  permissions: ['read:contacts'],
  quotas: { daily: 100_000_000, monthly: 1_000_000_000 },
};

/** Below this many requests a second (per key and per workspace) the plan would answer the load with 429s. */
const MIN_PLAN_PER_SECOND = 50_000;

export async function callJson(name: string, baseUrl: string, method: string, path: string, key: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? json : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== 200 && res.status !== 201) throw new Error(`${name}: ${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  const data = asRecord(asRecord(JSON.parse(text))?.data);
  if (!data) throw new Error(`${name}: ${method} ${path} answered no data: ${text.slice(0, 500)}`);
  return data;
}

/**
 * Checks the admin key is a metered (standard-tier) key on a plan that admits the load, and
 * creates the full-gateway key through REST. No unmetered key anywhere: every request the
 * targets send is counted against the plan's second, minute and day windows.
 */
export async function prepareKeys(name: string, baseUrl: string, adminSecret: string): Promise<BenchKeys> {
  const me = await callJson(name, baseUrl, 'GET', '/v1/me', adminSecret);
  if (me.rate_limit_tier !== 'standard') throw new Error(`${name}: the admin key is on tier ${JSON.stringify(me.rate_limit_tier)}, not standard`);
  const plan = asRecord(me.plan);
  const perSecond = Number(plan?.requests_per_second);
  if (!(perSecond >= MIN_PLAN_PER_SECOND)) {
    throw new Error(`${name}: the workspace's plan allows ${perSecond} req/s (${JSON.stringify(plan)}); the load would be refused with 429s`);
  }
  const workspaceId = asRecord(me.workspace)?.id;
  if (typeof workspaceId !== 'string' || typeof me.id !== 'string') throw new Error(`${name}: /v1/me has no id or workspace.id: ${JSON.stringify(me)}`);

  const created = await callJson(name, baseUrl, 'POST', '/v1/api-keys', adminSecret, FULL_KEY_BODY);
  const secret = created.key;
  if (typeof secret !== 'string' || !ADMIN_KEY.test(secret) || typeof created.id !== 'string') {
    throw new Error(`${name}: POST /v1/api-keys created no key: ${JSON.stringify(created)}`);
  }
  const quotas = asRecord(created.quotas);
  if (created.rate_limit_tier !== 'standard' || quotas?.daily !== FULL_KEY_BODY.quotas.daily || quotas?.monthly !== FULL_KEY_BODY.quotas.monthly) {
    throw new Error(`${name}: the created key is not standard-tier with the requested quotas: ${JSON.stringify(created)}`);
  }
  return { workspaceId, admin: { id: me.id, secret: adminSecret }, full: { id: created.id, secret } };
}

/** Starts our server on a fresh PGlite DATA_DIR and reads the admin key it prints on first start. */
export async function startOursPglite(id: ServerId, redisUrl: string | null): Promise<RunningServer> {
  const port = await freePort();
  const env = oursEnv(port, makeTempDir());
  const child = spawnTs(id, 'src/server.ts', [], redisUrl ? { ...env, REDIS_URL: redisUrl } : env);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(child, `${baseUrl}/healthz`, { method: 'GET' });
  // The server binds its port before it mints the Default workspace's key: wait for the key too.
  const adminKey = await waitForOutput(child, ADMIN_KEY);
  if (!adminKey) throw new Error(`${id}: no admin key (${ADMIN_KEY}) in its output:\n${child.output.lastLines()}`);
  const keys = await prepareKeys(id, baseUrl, adminKey);
  return { id, baseUrl, keys, redisUrl, child, seen: { admin: 2, full: 0 } };
}
