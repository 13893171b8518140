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
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { generateSecret, isWellFormedSecret, SECRET_PREFIX } from '../src/domain/keys/secret.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

const rounds = intEnv('BENCH_ROUNDS', 3);
if (rounds < 1) throw new Error('BENCH_ROUNDS must be at least 1');

const config = {
  rounds,
  // Several shorter rounds beat one long run on a noisy machine; 3 × 6 s keeps `npm run bench` to a few minutes.
  seconds: intEnv('BENCH_SECONDS', rounds > 1 ? 6 : 10),
  warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', 2),
  connections: intEnv('BENCH_CONNECTIONS', 50),
  only: process.env.BENCH_TARGETS ? new Set(process.env.BENCH_TARGETS.split(',').map((s) => s.trim()).filter(Boolean)) : null,
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
  redisUrl: process.env.BENCH_REDIS_URL || undefined,
};
if (config.seconds < 1) throw new Error('BENCH_SECONDS must be at least 1');

const ADMIN_KEY = /wbk_live_[0-9A-Za-z]{38}/;
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------
// Child processes

/** Keeps what a child printed: the start (where our server prints its key) and a tail for diagnostics. */
class OutputLog {
  head = '';
  private tail: string[] = [];
  /** Lines at pino level warn (40) or above: the server runs at LOG_LEVEL=warn, so any line is news. */
  problems: string[] = [];
  private partial = '';

  push(chunk: string): void {
    if (this.head.length < 64_000) this.head += chunk;
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      this.tail.push(line);
      if (this.tail.length > 40) this.tail.shift();
      if (/^\{.*"level":\s*(4|5|6)0\b/.test(line) && this.problems.length < 1000) this.problems.push(line);
    }
  }

  lastLines(): string {
    return [...this.tail, this.partial].filter(Boolean).join('\n');
  }
}

interface Child {
  name: string;
  proc: ChildProcess;
  output: OutputLog;
  /** Settles when the process has exited, with its code or signal. */
  exited: Promise<string>;
}

const children = new Set<Child>();
const tempDirs = new Set<string>();

/** A child without any DATABASE_URL etc. the caller's shell may carry, so each server runs on what we give it. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !['DATABASE_URL', 'REDIS_URL', 'APP_SECRET', 'DATA_DIR', 'PORT', 'HOST'].includes(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Node with tsx as a loader, not `npx tsx`, so the pid we hold is the server itself and signals reach it. */
function spawnTs(name: string, script: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputLog();
  proc.stdout?.setEncoding('utf8').on('data', (s: string) => output.push(s));
  proc.stderr?.setEncoding('utf8').on('data', (s: string) => output.push(s));
  const exited = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => resolve(signal ?? `code ${code}`));
    proc.once('error', (err) => resolve(`spawn error: ${err.message}`));
  });
  const child: Child = { name, proc, output, exited };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

async function stopChild(child: Child): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  // Our server flushes queued request logs on SIGTERM; give it time, but not forever.
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

/** Run after the servers stopped (so nothing writes the counters again): forget our Redis counters. */
const afterStop: (() => Promise<void>)[] = [];

async function cleanup(): Promise<void> {
  await Promise.all([...children].map(stopChild));
  for (const work of afterStop.splice(0)) {
    try {
      await work();
    } catch (err) {
      process.stderr.write(`bench: cleanup: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbk-bench-'));
  tempDirs.add(dir);
  return dir;
}

/** Asks the OS for a port nobody holds; the window before the child binds it is small enough here. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` answers 200, failing early (with the child's output) if the child dies. */
async function waitUntilReady(child: Child, url: string, init: RequestInit): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let died: string | null = null;
  void child.exited.then((how) => (died = how));
  while (Date.now() < deadline) {
    if (died !== null) throw new Error(`${child.name} exited (${died}) before it was ready:\n${child.output.lastLines()}`);
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${child.name} not ready after ${READY_TIMEOUT_MS / 1000}s:\n${child.output.lastLines()}`);
}

/** The first match of `pattern` in what the child printed, waiting (bounded) for it to appear. */
async function waitForOutput(child: Child, pattern: RegExp): Promise<string | undefined> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const found = pattern.exec(child.output.head)?.[0];
    if (found || Date.now() > deadline || child.proc.exitCode !== null || child.proc.signalCode !== null) return found;
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// Servers

type ServerId = 'yoga' | 'ours' | 'ours-redis' | 'ours-pg';

/** The keys our targets load with. Both are on the standard tier, so the plan's windows count every request. */
type KeyRole = 'admin' | 'full';

interface BenchKeys {
  workspaceId: string;
  /** The workspace's admin key (every scope, standard tier, no quotas). */
  admin: { id: string; secret: string };
  /** Created through REST with FULL_KEY_BODY: standard tier and rolling daily/monthly quotas. */
  full: { id: string; secret: string };
}

interface RunningServer {
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

interface ServerSpec {
  id: ServerId;
  label: string;
  start(): Promise<RunningServer>;
}

/**
 * Common to every run of our server: quiet logs, the plan whose limits are highest, and neither
 * the IP block nor the unknown-key budget in the way of the floods: the forged-key target
 * measures what a database lookup per unknown key costs, the worst case the budget bounds.
 */
function oursEnv(port: number, dataDir: string): Record<string, string> {
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
const FULL_KEY_BODY = {
  name: 'bench full',
  permissions: ['read:contacts'],
  quotas: { daily: 100_000_000, monthly: 1_000_000_000 },
};

/** Below this many requests a second (per key and per workspace) the plan would answer the load with 429s. */
const MIN_PLAN_PER_SECOND = 50_000;

async function callJson(
  name: string,
  baseUrl: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
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
async function prepareKeys(name: string, baseUrl: string, adminSecret: string): Promise<BenchKeys> {
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
async function startOursPglite(id: 'ours' | 'ours-redis', redisUrl: string | null): Promise<RunningServer> {
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

const SERVERS: ServerSpec[] = [
  {
    id: 'yoga',
    label: 'bare graphql-yoga (bench/bare-yoga.ts)',
    async start() {
      const port = await freePort();
      const child = spawnTs('bare-yoga', 'bench/bare-yoga.ts', [], { PORT: String(port), HOST: '127.0.0.1' });
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitUntilReady(child, `${baseUrl}/graphql?query=%7Bhello%7D`, { method: 'GET' });
      return { id: 'yoga', baseUrl, keys: null, redisUrl: null, child, seen: { admin: 0, full: 0 } };
    },
  },
  {
    id: 'ours',
    label: 'our server, PGlite in a fresh DATA_DIR, counters in process',
    start: () => startOursPglite('ours', null),
  },
  {
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
        throw new Error(`ours-redis: no ${REDIS_PREFIX}w:${server.keys!.workspaceId}:* counters in Redis after set-up; is the limiter on Redis?\n${server.child.output.lastLines()}`);
      }
      return server;
    },
  },
  {
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
];

// ---------------------------------------------------------------------------------------------
// Redis: only our own keys are read or deleted (the server prefixes every key with REDIS_PREFIX
// and names the workspace or key in it); nothing is flushed.

const REDIS_PREFIX = 'wsapi:';

async function withRedis<T>(url: string, work: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3_000 });
  r.on('error', () => {
    // Surfaced by the failing command.
  });
  try {
    await r.connect();
    return await work(r);
  } finally {
    r.disconnect();
  }
}

async function redisPing(url: string): Promise<void> {
  try {
    await withRedis(url, (r) => r.ping());
  } catch (err) {
    throw new Error(`Redis at BENCH_REDIS_URL is unreachable (${err instanceof Error ? err.message : String(err)}); correct it, or unset it to skip the redis-* targets`);
  }
}

function redisKeys(url: string, pattern: string): Promise<string[]> {
  return withRedis(url, async (r) => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return found;
  });
}

/** The key's all-time admission count as the Redis quota store holds it; null if absent. */
function redisQuotaTotal(url: string, keyId: string): Promise<number | null> {
  return withRedis(url, async (r) => {
    // The quota store keeps a key's all-time count in its meta hash (limiter/redis-store.ts).
    const v = await r.hget(`${REDIS_PREFIX}qr:${keyId}:meta`, 'total');
    return v === null ? null : Number(v);
  });
}

/** Deletes the counters of our bench workspace and keys (plan windows, and each key's quota meta and bucket rings). */
async function redisForget(url: string, keys: BenchKeys): Promise<number> {
  const found = await redisKeys(url, `${REDIS_PREFIX}w:${keys.workspaceId}:*`);
  for (const k of [keys.admin.id, keys.full.id]) found.push(...(await redisKeys(url, `${REDIS_PREFIX}qr:${k}:*`)));
  return withRedis(url, (r) => r.del(...found));
}

// ---------------------------------------------------------------------------------------------
// Targets

type Headers = Record<string, string>;

interface Target {
  /** Used in the table, the JSON, ratios and BENCH_TARGETS. */
  name: string;
  server: ServerId;
  description: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** The key it loads with, if one of ours: its responses are expected in that key's request logs. */
  key?: KeyRole;
  headers(server: RunningServer): Headers;
  /**
   * Headers that change with every request (merged over `headers`). Runs in the load generator,
   * which shares the machine with the server, so it must be cheap.
   */
  perRequestHeaders?: () => Headers;
  expectStatus: number;
  /** Checked on one request before loading, because a GraphQL 200 can still carry errors. */
  verify?(body: unknown): string | null;
  /**
   * The plan's windows count its requests: the probe requires X-RateLimit-Limit/-Remaining/-Reset
   * and RateLimit-Policy, and a probe after the run checks the day window's remaining points
   * dropped by at least the responses the run got.
   */
  limited?: boolean;
}

interface Ratio {
  name: string;
  numerator: string;
  denominator: string;
  /** What the ratio says, for the goal lines. */
  label: string;
  /** When set, the ratio is a pass/fail goal. */
  atLeast?: number;
}

function keyOf(server: RunningServer, role: KeyRole): string {
  if (!server.keys) throw new Error(`${server.id} has no API keys`);
  return server.keys[role].secret;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Right shape, wrong checksum: the server refuses these before any cache or database. */
function badChecksumKey(): string {
  for (;;) {
    let tail = '';
    for (const b of randomBytes(38)) tail += BASE62[b % 62];
    const key = SECRET_PREFIX + tail;
    if (!isWellFormedSecret(key)) return key;
  }
}

/** Precomputed and cycled so the load generator spends nothing per request; the server keeps no memory of checksum failures, so repeats cost it the same. */
function cycling(keys: string[]): () => Headers {
  let i = 0;
  return () => ({ authorization: `Bearer ${keys[i++ % keys.length]}` });
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function errorCodeOf(body: unknown): unknown {
  return asRecord(asRecord(body)?.error)?.code;
}

const json = { 'content-type': 'application/json' };

const VIEWER_QUERY = JSON.stringify({ query: '{ viewer { id } }' });

/** `{ viewer { id } }` answered without errors, by the key the target loads with. */
function viewerIs(server: () => RunningServer | undefined, role: KeyRole): (body: unknown) => string | null {
  return (body) => {
    const b = asRecord(body);
    if (b?.errors) return `GraphQL errors: ${JSON.stringify(b.errors)}`;
    const id = asRecord(asRecord(b?.data)?.viewer)?.id;
    if (typeof id !== 'string') return `no data.viewer.id in ${JSON.stringify(body)}`;
    const want = server()?.keys?.[role].id;
    return want === undefined || id === want ? null : `data.viewer.id is ${id}, expected the ${role} key ${want}`;
  };
}

/** Filled in by main() once the servers run, so verify() can check the body names the right key. */
const runningServers = new Map<ServerId, RunningServer>();

function graphqlTarget(name: string, server: ServerId, role: KeyRole, description: string): Target {
  return {
    name,
    server,
    description,
    method: 'POST',
    path: '/graphql',
    body: VIEWER_QUERY,
    key: role,
    headers: (s) => ({ ...json, authorization: `Bearer ${keyOf(s, role)}` }),
    expectStatus: 200,
    verify: viewerIs(() => runningServers.get(server), role),
    limited: true,
  };
}

/** Our server's targets; defined once so the PGlite and PostgreSQL runs load exactly the same requests. */
function oursTargets(server: 'ours' | 'ours-pg', prefix: string): Target[] {
  return [
    graphqlTarget(`${prefix}-graphql`, server, 'admin', 'POST /graphql { viewer { id } }, admin key (standard tier: plan limits counted; logged)'),
    {
      name: `${prefix}-rest-me`,
      server,
      description: 'GET /v1/me, admin key (standard tier: plan limits counted; logged)',
      method: 'GET',
      path: '/v1/me',
      key: 'admin',
      headers: (s) => ({ authorization: `Bearer ${keyOf(s, 'admin')}` }),
      expectStatus: 200,
      verify(body) {
        const data = asRecord(asRecord(body)?.data);
        if (!data) return `no data in ${JSON.stringify(body)}`;
        const want = runningServers.get(server)?.keys?.admin.id;
        return want === undefined || data.id === want ? null : `data.id is ${JSON.stringify(data.id)}, expected the admin key ${want}`;
      },
      limited: true,
    },
    graphqlTarget(`${prefix}-full`, server, 'full', 'POST /graphql { viewer { id } }, REST-created key: plan limits + rolling quotas + logging'),
    {
      name: `${prefix}-bad-key`,
      server,
      description: 'GET /v1/me, a different invalid key each request (bad checksum)',
      method: 'GET',
      path: '/v1/me',
      headers: () => ({}),
      perRequestHeaders: cycling(Array.from({ length: 4096 }, badChecksumKey)),
      expectStatus: 401,
      verify: (body) => (errorCodeOf(body) === 'invalid_key' ? null : `expected invalid_key, got ${JSON.stringify(body)}`),
    },
    {
      // An attacker can compute CRC32, so this is the flood that gets past the checksum:
      // every key is new, so each one misses the cache and costs a database lookup.
      name: `${prefix}-forged-key`,
      server,
      description: 'GET /v1/me, a new unknown key each request (valid checksum)',
      method: 'GET',
      path: '/v1/me',
      headers: () => ({}),
      perRequestHeaders: () => ({ authorization: `Bearer ${generateSecret()}` }),
      expectStatus: 401,
      verify: (body) => (errorCodeOf(body) === 'invalid_key' ? null : `expected invalid_key, got ${JSON.stringify(body)}`),
    },
  ];
}

const TARGETS: Target[] = [
  {
    name: 'yoga-graphql',
    server: 'yoga',
    description: 'bare Yoga: POST /graphql { hello }',
    method: 'POST',
    path: '/graphql',
    body: JSON.stringify({ query: '{ hello }' }),
    headers: () => json,
    expectStatus: 200,
    verify: (body) => (asRecord(asRecord(body)?.data)?.hello === 'world' ? null : `unexpected body ${JSON.stringify(body)}`),
  },
  ...oursTargets('ours', 'ours'),
  graphqlTarget('redis-full', 'ours-redis', 'full', 'as ours-full, counters in Redis: plan limits + rolling quotas + logging'),
  graphqlTarget('redis-graphql', 'ours-redis', 'admin', 'as ours-graphql, counters in Redis'),
  ...oursTargets('ours-pg', 'pg'),
];

/** Servers that need a service the benchmark must be pointed at: without it, their targets are skipped. */
const NEEDS: Partial<Record<ServerId, { env: string; set: boolean; example: string; what: string }>> = {
  'ours-redis': { env: 'BENCH_REDIS_URL', set: config.redisUrl !== undefined, example: 'redis://127.0.0.1:6379/15', what: 'counters in Redis' },
  'ours-pg': { env: 'BENCH_DATABASE_URL', set: config.databaseUrl !== undefined, example: 'postgres://postgres@127.0.0.1:5432/bench', what: 'our server on PostgreSQL' },
};
const skippedServer = (id: ServerId) => NEEDS[id] !== undefined && !NEEDS[id]!.set;

const RATIOS: Ratio[] = [
  { name: 'b/a', numerator: 'ours-graphql', denominator: 'yoga-graphql', label: 'our GraphQL, plan limits counted + logging', atLeast: 0.9 },
  { name: 'c/a', numerator: 'ours-rest-me', denominator: 'yoga-graphql', label: 'our REST /v1/me' },
  { name: 'e/a', numerator: 'ours-full', denominator: 'yoga-graphql', label: 'full gateway in process', atLeast: 0.9 },
  { name: 'f/a', numerator: 'redis-full', denominator: 'yoga-graphql', label: 'full gateway with Redis', atLeast: 0.85 },
  { name: 'g/a', numerator: 'redis-graphql', denominator: 'yoga-graphql', label: 'our GraphQL with Redis' },
  { name: 'pg b/a', numerator: 'pg-graphql', denominator: 'yoga-graphql', label: 'our GraphQL on PostgreSQL' },
  { name: 'pg c/a', numerator: 'pg-rest-me', denominator: 'yoga-graphql', label: 'our REST /v1/me on PostgreSQL' },
  { name: 'pg e/a', numerator: 'pg-full', denominator: 'yoga-graphql', label: 'full gateway on PostgreSQL' },
];

// ---------------------------------------------------------------------------------------------
// Measuring

/** One measured run of one target in one round. */
interface Measurement {
  round: number;
  target: string;
  server: ServerId;
  description: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Responses whose status was not the target's expected one. */
  unexpected: number;
  responses: number;
  statusCodes: Record<string, number>;
  /** Responses with the expected status during the unmeasured warm-up. */
  warmupResponses: number;
  /**
   * For `limited` targets: points the day window lost between the probes before and after
   * warm-up plus run (at least one per admitted request), and the responses in between that
   * should have been counted; null where not checked.
   */
  limitCheck: { points: number; responses: number } | null;
  /** How long we waited for the machine to go quiet before this run. */
  settleMs: number;
  /** Average cores used during the measured seconds, by party; null without /proc. */
  cpu: CpuUse | null;
}

function cannonOptions(target: Target, server: RunningServer, seconds: number): autocannon.Options {
  const headers = target.headers(server);
  const vary = target.perRequestHeaders;
  return {
    url: server.baseUrl + target.path,
    connections: config.connections,
    pipelining: 1,
    duration: seconds,
    method: target.method,
    headers,
    body: target.body,
    requests: vary ? [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...vary() } }) }] : undefined,
  };
}

interface DayWindow {
  limit: number;
  remaining: number;
  reset: number;
}

/** One request checked for status and body (and, on `limited` targets, the rate-limit headers). */
async function probe(target: Target, server: RunningServer): Promise<DayWindow | null> {
  const headers = { ...target.headers(server), ...target.perRequestHeaders?.() };
  const res = await fetch(server.baseUrl + target.path, { method: target.method, headers, body: target.body, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (target.key && res.status > 0) server.seen[target.key]++;
  if (res.status !== target.expectStatus) throw new Error(`${target.name}: expected ${target.expectStatus}, got ${res.status}: ${text.slice(0, 500)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${target.name}: response is not JSON: ${text.slice(0, 500)}`);
  }
  const problem = target.verify?.(body);
  if (problem) throw new Error(`${target.name}: ${problem}`);
  if (!target.limited) return null;
  const h = (n: string) => res.headers.get(n);
  const day = { limit: Number(h('x-ratelimit-limit')), remaining: Number(h('x-ratelimit-remaining')), reset: Number(h('x-ratelimit-reset')) };
  if (h('x-ratelimit-limit') === null || !Number.isInteger(day.limit) || !Number.isInteger(day.remaining) || !Number.isInteger(day.reset)) {
    throw new Error(
      `${target.name}: no X-RateLimit-Limit/-Remaining/-Reset on a metered request, so plan limits are not being counted ` +
        `(headers: ${JSON.stringify(Object.fromEntries(res.headers))})`,
    );
  }
  if (!h('ratelimit-policy')?.includes('"second"')) {
    throw new Error(`${target.name}: RateLimit-Policy names no per-second window: ${JSON.stringify(h('ratelimit-policy'))}`);
  }
  return day;
}

function expectedCount(r: autocannon.Result, target: Target): number {
  return r.statusCodeStats?.[String(target.expectStatus) as keyof typeof r.statusCodeStats]?.count ?? 0;
}

async function measure(target: Target, server: RunningServer, servers: RunningServer[], round: number, settleMs: number): Promise<Measurement> {
  const dayBefore = await probe(target, server);
  let warmupResponses = 0;
  if (config.warmupSeconds > 0) warmupResponses = expectedCount(await autocannon(cannonOptions(target, server, config.warmupSeconds)), target);
  const before = cpuSnapshot(servers);
  const r = await autocannon(cannonOptions(target, server, config.seconds));
  const cpu = cpuUse(before, cpuSnapshot(servers));
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const expected = statusCodes[String(target.expectStatus)] ?? 0;
  if (target.key) server.seen[target.key] += warmupResponses + expected;

  let limitCheck: Measurement['limitCheck'] = null;
  if (target.limited && dayBefore) {
    // The probe after the run is itself counted, as are the warm-up and the measured requests.
    const dayAfter = await probe(target, server);
    if (dayAfter && dayAfter.reset === dayBefore.reset) {
      limitCheck = { points: dayBefore.remaining - dayAfter.remaining, responses: warmupResponses + expected + 1 };
    }
  }
  return {
    round,
    target: target.name,
    server: server.id,
    description: target.description,
    reqPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    unexpected: responses - expected,
    responses,
    statusCodes,
    warmupResponses,
    limitCheck,
    settleMs,
    cpu,
  };
}

// Where the CPU went. On two cores anything else that runs (a test suite in another shell,
// PostgreSQL still vacuuming after a flood, our server writing the request logs a flood queued)
// is charged to whichever target is being measured. So before each run we wait, bounded, for the
// whole machine to go quiet, and during each run we account for every CPU tick: our servers, the
// load generator (this process), PostgreSQL, Redis, and the rest. Linux only (/proc); elsewhere we
// neither wait nor account.

/** USER_HZ, the unit of /proc/stat and /proc/<pid>/stat; 100 on every mainstream Linux. */
const CLOCK_TICKS_PER_SEC = 100;
const IDLE_SAMPLE_MS = 250;
/** The machine counts as quiet when all its processes together use less than this many cores. */
const IDLE_MAX_CORES = 0.2;
const IDLE_TIMEOUT_MS = 5_000;
/** A run during which processes outside the benchmark used more than this many cores is flagged. */
const OTHER_MAX_CORES = 0.2;

/** Busy ticks of the whole machine (all cores), or null without /proc/stat. */
function machineBusyTicks(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return Number.isFinite(busy) && Number.isFinite(idle! + iowait!) ? busy : null;
  } catch {
    return null;
  }
}

/** CPU time a process (all its threads) has used, in clock ticks; null if unreadable. */
function processTicks(pid: number | string | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; fields from 3 on follow it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]); // utime + stime
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/**
 * Ticks used by every local process named postgres (the server and its backends) and, while a
 * server of ours counts in Redis, redis-server: the work they do for the targets is theirs, not
 * someone else's.
 */
function serviceTicks(want: { postgres: boolean; redis: boolean }): { postgres: number; redis: number } {
  const sum = { postgres: 0, redis: 0 };
  if (!want.postgres && !want.redis) return sum;
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return sum;
  }
  for (const pid of pids) {
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (want.postgres && comm === 'postgres') sum.postgres += processTicks(pid) ?? 0;
    else if (want.redis && comm === 'redis-server') sum.redis += processTicks(pid) ?? 0;
  }
  return sum;
}

interface CpuSnapshot {
  at: number;
  machine: number | null;
  servers: number;
  postgres: number;
  redis: number;
  /** This process, which runs autocannon. */
  self: number;
}

function cpuSnapshot(servers: RunningServer[]): CpuSnapshot {
  const self = process.cpuUsage();
  return {
    at: Date.now(),
    machine: machineBusyTicks(),
    servers: servers.reduce((a, s) => a + (processTicks(s.child.proc.pid) ?? 0), 0),
    ...serviceTicks({ postgres: config.databaseUrl !== undefined, redis: servers.some((s) => s.redisUrl !== null) }),
    self: ((self.user + self.system) / 1e6) * CLOCK_TICKS_PER_SEC,
  };
}

/** Average cores each party used between two snapshots; null where /proc is not there. */
interface CpuUse {
  /** Our server processes (PGlite runs inside ours). */
  servers: number;
  /** The load generator. */
  loadgen: number;
  postgres: number;
  redis: number;
  /** Everything else on the machine. */
  other: number;
}

function cpuUse(a: CpuSnapshot, b: CpuSnapshot): CpuUse | null {
  if (a.machine === null || b.machine === null) return null;
  const sec = (b.at - a.at) / 1000;
  if (sec <= 0) return null;
  const cores = (ticks: number) => Math.max(0, ticks) / CLOCK_TICKS_PER_SEC / sec;
  const servers = b.servers - a.servers;
  const self = b.self - a.self;
  const pg = b.postgres - a.postgres;
  const redis = b.redis - a.redis;
  return {
    servers: cores(servers),
    loadgen: cores(self),
    postgres: cores(pg),
    redis: cores(redis),
    other: cores(b.machine - a.machine - servers - self - pg - redis),
  };
}

/** Waits until the whole machine is quiet over one sample window, at most IDLE_TIMEOUT_MS. */
async function waitForQuiet(): Promise<{ ms: number; timedOut: boolean; busyCores: number }> {
  const start = Date.now();
  let before = machineBusyTicks();
  if (before === null) return { ms: 0, timedOut: false, busyCores: 0 };
  let at = start;
  let busyCores = 0;
  while (Date.now() - start < IDLE_TIMEOUT_MS) {
    await sleep(IDLE_SAMPLE_MS);
    const after = machineBusyTicks();
    const now = Date.now();
    if (after === null) return { ms: now - start, timedOut: false, busyCores: 0 };
    busyCores = (after - before) / CLOCK_TICKS_PER_SEC / ((now - at) / 1000);
    if (busyCores <= IDLE_MAX_CORES) return { ms: now - start, timedOut: false, busyCores };
    before = after;
    at = now;
  }
  return { ms: Date.now() - start, timedOut: true, busyCores };
}

// ---------------------------------------------------------------------------------------------
// Reporting

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  // Numbers right-aligned, the name column left-aligned.
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)].join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A target across its rounds: medians for the rates and latencies, sums for the counts. */
interface Summary {
  target: string;
  server: ServerId;
  description: string;
  rounds: number;
  /** Median over rounds. */
  reqPerSec: number;
  reqPerSecMin: number;
  reqPerSecMax: number;
  /** Median over rounds of each round's p50 / p99. */
  p50Ms: number;
  p99Ms: number;
  /** Summed over rounds, as are the counts below. */
  errors: number;
  timeouts: number;
  non2xx: number;
  unexpected: number;
  responses: number;
  statusCodes: Record<string, number>;
  /** The most cores processes outside the benchmark used during any of its rounds; null without /proc. */
  otherCoresMax: number | null;
}

function summarize(target: Target, runs: Measurement[]): Summary {
  const sum = (f: (m: Measurement) => number) => runs.reduce((a, m) => a + f(m), 0);
  const statusCodes: Record<string, number> = {};
  for (const m of runs) for (const [code, n] of Object.entries(m.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const rates = runs.map((m) => m.reqPerSec);
  return {
    target: target.name,
    server: target.server,
    description: target.description,
    rounds: runs.length,
    reqPerSec: median(rates),
    reqPerSecMin: Math.min(...rates),
    reqPerSecMax: Math.max(...rates),
    p50Ms: median(runs.map((m) => m.p50Ms)),
    p99Ms: median(runs.map((m) => m.p99Ms)),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    non2xx: sum((m) => m.non2xx),
    unexpected: sum((m) => m.unexpected),
    responses: sum((m) => m.responses),
    statusCodes,
    otherCoresMax: runs.every((m) => m.cpu) ? Math.max(...runs.map((m) => m.cpu!.other)) : null,
  };
}

/** What the server says it logged (and on Redis, counted) for one key, against what we saw. */
interface Account {
  server: ServerId;
  key: KeyRole;
  keyId: string;
  seen: number;
  logged: number | null;
  redisQuotaTotal: number | null;
}

interface RatioResult {
  name: string;
  label: string;
  numerator: string;
  denominator: string;
  /** Median of the per-round ratios. */
  value: number;
  min: number;
  max: number;
  /** Each round's numerator / the same round's denominator. */
  perRound: { round: number; value: number }[];
  atLeast?: number;
  pass?: boolean;
}

function ratios(measurements: Measurement[]): RatioResult[] {
  const out: RatioResult[] = [];
  for (const r of RATIOS) {
    const perRound: { round: number; value: number }[] = [];
    for (let round = 1; round <= config.rounds; round++) {
      const num = measurements.find((m) => m.round === round && m.target === r.numerator);
      const den = measurements.find((m) => m.round === round && m.target === r.denominator);
      if (num && den && den.reqPerSec > 0) perRound.push({ round, value: num.reqPerSec / den.reqPerSec });
    }
    if (perRound.length === 0) continue;
    const values = perRound.map((p) => p.value);
    const value = median(values);
    out.push({
      ...r,
      value,
      min: Math.min(...values),
      max: Math.max(...values),
      perRound,
      ...(r.atLeast !== undefined ? { pass: value >= r.atLeast } : {}),
    });
  }
  return out;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const startedAt = Date.now();
  const selected = TARGETS.filter((t) => !config.only || config.only.has(t.name));
  if (selected.length === 0) throw new Error(`BENCH_TARGETS matched nothing; targets are: ${TARGETS.map((t) => t.name).join(', ')}`);
  for (const [id, need] of Object.entries(NEEDS) as [ServerId, NonNullable<(typeof NEEDS)[ServerId]>][]) {
    const names = selected.filter((t) => t.server === id).map((t) => t.name);
    if (need.set || names.length === 0) continue;
    if (config.only) throw new Error(`BENCH_TARGETS names ${names.join(', ')}: set ${need.env} (e.g. ${need.example}) to run them`);
    process.stdout.write(`bench: skipping ${names.join(', ')} (${need.what}): set ${need.env}, e.g. ${need.env}=${need.example}, to run them\n`);
  }
  const targets = selected.filter((t) => !skippedServer(t.server));
  const needed = SERVERS.filter((s) => targets.some((t) => t.server === s.id));

  const cpuModel = cpus()[0]?.model ?? 'unknown';
  const perRun = config.warmupSeconds + config.seconds;
  process.stdout.write(
    `bench: ${config.rounds} interleaved round${config.rounds === 1 ? '' : 's'} of ${targets.length} targets, ` +
      `each run ${config.seconds}s after ${config.warmupSeconds}s warm-up (~${duration(config.rounds * targets.length * perRun * 1000)} of load), ` +
      `${config.connections} connections, pipelining 1; node ${process.version}, ${cpus().length} CPUs (${cpuModel})\n`,
  );

  // In parallel: starting is CPU-heavy but finishes before any load begins.
  process.stdout.write(`starting: ${needed.map((s) => s.label).join('; ')}\n`);
  const running = runningServers;
  for (const s of await Promise.all(needed.map((spec) => spec.start()))) running.set(s.id, s);
  const servers = [...running.values()];
  for (const s of servers) {
    if (s.keys) process.stdout.write(`${s.id}: workspace ${s.keys.workspaceId}, admin key ${s.keys.admin.id} (standard tier), full key ${s.keys.full.id} (standard tier, quotas ${JSON.stringify(FULL_KEY_BODY.quotas)})\n`);
  }

  const measurements: Measurement[] = [];
  const warnings: string[] = [];
  const nameWidth = Math.max(...targets.map((t) => t.name.length));
  for (let round = 1; round <= config.rounds; round++) {
    process.stdout.write(`round ${round}/${config.rounds}\n`);
    for (const target of targets) {
      const server = running.get(target.server)!;
      const quiet = await waitForQuiet();
      if (quiet.timedOut) {
        warnings.push(
          `WARNING round ${round} ${target.name}: the machine was still busy (${quiet.busyCores.toFixed(2)} cores) after ${IDLE_TIMEOUT_MS / 1000}s, ran anyway`,
        );
      }
      const m = await measure(target, server, servers, round, quiet.ms);
      measurements.push(m);
      const c = m.cpu;
      const cores = c
        ? `; cores: server ${c.servers.toFixed(2)}, autocannon ${c.loadgen.toFixed(2)}${config.databaseUrl ? `, postgres ${c.postgres.toFixed(2)}` : ''}` +
          `${servers.some((s) => s.redisUrl) ? `, redis ${c.redis.toFixed(2)}` : ''}, other ${c.other.toFixed(2)}`
        : '';
      process.stdout.write(
        `  ${target.name.padEnd(nameWidth)}  ${m.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${m.p50Ms.toFixed(2)} ms  p99 ${m.p99Ms.toFixed(2)} ms` +
          `  (settled ${m.settleMs} ms${cores})\n`,
      );
      if (c && c.other > OTHER_MAX_CORES) {
        warnings.push(
          `WARNING round ${round} ${target.name}: processes outside the benchmark used ${c.other.toFixed(2)} cores while it was measured; that run is unreliable`,
        );
      }
      if (server.child.proc.exitCode !== null || server.child.proc.signalCode !== null) {
        throw new Error(`${server.child.name} exited during ${target.name} (round ${round}):\n${server.child.output.lastLines()}`);
      }
      if (m.unexpected > 0 || m.errors > 0) {
        warnings.push(
          `WARNING round ${round} ${m.target}: ${m.unexpected} of ${m.responses} responses not ${target.expectStatus} ` +
            `(status counts ${JSON.stringify(m.statusCodes)}), ${m.errors} connection errors (${m.timeouts} timeouts)`,
        );
      }
      if (target.limited && m.limitCheck === null) {
        warnings.push(`WARNING round ${round} ${m.target}: the UTC day turned during the run, so its plan-limit count was not checked`);
      } else if (m.limitCheck && m.limitCheck.points < m.limitCheck.responses) {
        warnings.push(
          `WARNING round ${round} ${m.target}: the plan's day window lost ${m.limitCheck.points} points for ${m.limitCheck.responses} admitted responses: requests went uncounted`,
        );
      }
    }
  }

  // Proof that every request was logged and, on Redis, counted there: the server's own accounts
  // against what this process saw. Asked for only now, so none of it runs during a measurement.
  const accounts: Account[] = [];
  const since = new Date(startedAt - 60_000).toISOString();
  for (const s of servers) {
    if (!s.keys) continue;
    for (const role of ['admin', 'full'] as const) {
      if (!targets.some((t) => t.server === s.id && t.key === role)) continue;
      const key = s.keys[role];
      const account: Account = { server: s.id, key: role, keyId: key.id, seen: s.seen[role], logged: null, redisQuotaTotal: null };
      try {
        const usage = await callJson(s.id, s.baseUrl, 'GET', `/v1/api-keys/${key.id}/usage?from=${encodeURIComponent(since)}`, s.keys.admin.secret);
        s.seen.admin++;
        account.logged = Number(usage.calls);
        if (s.redisUrl && role === 'full') account.redisQuotaTotal = await redisQuotaTotal(s.redisUrl, key.id);
      } catch (err) {
        warnings.push(`WARNING ${s.id} ${role} key: could not read its accounts: ${err instanceof Error ? err.message : String(err)}`);
      }
      accounts.push(account);
      // The usage call above was made with the admin key after its own count: it may be logged or not yet.
      if (account.logged !== null && account.logged < account.seen) {
        warnings.push(`WARNING ${s.id} ${role} key: ${account.logged} requests logged for ${account.seen} responses received: request logs were lost`);
      }
      if (s.redisUrl && role === 'full' && account.logged !== null && (account.redisQuotaTotal ?? 0) < account.seen) {
        warnings.push(`WARNING ${s.id} full key: Redis counted ${account.redisQuotaTotal} admissions against its quota for ${account.seen} responses`);
      }
    }
  }

  for (const s of servers) {
    const problems = s.child.output.problems;
    if (problems.length > 0) warnings.push(`WARNING ${s.child.name} logged ${problems.length} warn/error lines, first: ${problems[0]}`);
  }

  const summaries = targets.map((t) => summarize(t, measurements.filter((m) => m.target === t.name)));
  const rows = [['target', 'req/s', 'min', 'max', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'unexpected', 'other cores']];
  for (const s of summaries) {
    rows.push([
      s.target,
      s.reqPerSec.toFixed(0),
      s.reqPerSecMin.toFixed(0),
      s.reqPerSecMax.toFixed(0),
      s.p50Ms.toFixed(2),
      s.p99Ms.toFixed(2),
      String(s.errors),
      String(s.non2xx),
      String(s.unexpected),
      s.otherCoresMax === null ? '-' : s.otherCoresMax.toFixed(2),
    ]);
  }
  const rs = ratios(measurements);
  const elapsedMs = Date.now() - startedAt;
  process.stdout.write(
    `\nmedians over ${config.rounds} round${config.rounds === 1 ? '' : 's'} (min/max: the rounds' req/s extremes; errors, non-2xx, unexpected: summed; other cores: the most any round's measurement shared with processes outside the benchmark)\n` +
      `${table(rows)}\n\n`,
  );
  const pairWidth = Math.max(0, ...rs.map((r) => `${r.numerator} / ${r.denominator}`.length));
  const nameW = Math.max(0, ...rs.map((r) => r.name.length));
  for (const r of rs) {
    const goal = r.atLeast !== undefined ? `   goal >= ${r.atLeast.toFixed(2)}: ${r.pass ? 'PASS' : 'FAIL'}` : '';
    const spread = `median of ${r.perRound.length}, min ${r.min.toFixed(3)}, max ${r.max.toFixed(3)}; by round ${r.perRound.map((p) => p.value.toFixed(3)).join(' ')}`;
    process.stdout.write(`${r.name.padEnd(nameW)} ${`${r.numerator} / ${r.denominator}`.padEnd(pairWidth)} = ${r.value.toFixed(3)}  (${spread})${goal}\n`);
  }
  for (const a of accounts) {
    process.stdout.write(
      `accounts ${a.server} ${a.key} key: ${a.seen} responses received, ${a.logged ?? '?'} requests logged` +
        `${a.server === 'ours-redis' && a.key === 'full' ? `, ${a.redisQuotaTotal ?? '?'} admissions in its Redis quota counter` : ''}\n`,
    );
  }
  const limitChecks = measurements.filter((m) => m.limitCheck);
  if (limitChecks.length > 0) {
    const short = limitChecks.filter((m) => m.limitCheck!.points < m.limitCheck!.responses).length;
    process.stdout.write(
      `plan limits: ${limitChecks.length} metered runs checked (X-RateLimit-* present; day window lost >= 1 point per admitted response): ${short === 0 ? 'all counted' : `${short} runs short`}\n`,
    );
  }
  for (const w of warnings) process.stdout.write(`${w}\n`);
  process.stdout.write(`bench: measured in ${duration(elapsedMs)}\n`);
  for (const r of rs.filter((x) => x.atLeast !== undefined)) {
    process.stdout.write(
      `GOAL ${r.name} ${r.label} (${r.numerator} / ${r.denominator}): ${r.value.toFixed(3)}, goal >= ${r.atLeast!.toFixed(2)}: ${r.pass ? 'PASS' : 'FAIL'}\n`,
    );
  }
  for (const r of RATIOS.filter((x) => x.atLeast !== undefined && !rs.some((y) => y.name === x.name))) {
    const need = [r.numerator, r.denominator].map((n) => NEEDS[TARGETS.find((t) => t.name === n)!.server]).find((x) => x && !x.set);
    process.stdout.write(`GOAL ${r.name} ${r.label} (${r.numerator} / ${r.denominator}): not measured (${need ? `set ${need.env} to measure it` : 'target not selected'})\n`);
  }
  const failed = rs.filter((r) => r.pass === false);

  const report = {
    config: {
      rounds: config.rounds,
      seconds: config.seconds,
      warmupSeconds: config.warmupSeconds,
      connections: config.connections,
      pipelining: 1,
    },
    env: { node: process.version, cpus: cpus().length, cpuModel },
    /** Per target across rounds: reqPerSec, p50Ms and p99Ms are medians. */
    measurements: summaries,
    /** `value` is the median of the per-round ratios. */
    ratios: rs,
    rounds: Array.from({ length: config.rounds }, (_, i) => ({
      round: i + 1,
      measurements: measurements.filter((m) => m.round === i + 1),
    })),
    pass: failed.length === 0,
    goals: rs.filter((r) => r.atLeast !== undefined).map((r) => ({ name: r.name, label: r.label, value: r.value, atLeast: r.atLeast, pass: r.pass })),
    /** Per server and key: responses this process received, requests the server logged, and (Redis) its quota counter. */
    accounts,
    warnings,
    elapsedSeconds: Math.round(elapsedMs / 1000),
  };
  process.stdout.write(`BENCH_JSON ${JSON.stringify(report)}\n`);
  for (const r of failed) {
    process.stderr.write(`bench: goal ${r.name} failed: ${r.label} (${r.numerator} / ${r.denominator}) measured ${r.value.toFixed(3)}, wanted >= ${r.atLeast!.toFixed(2)}\n`);
  }
  return failed.length === 0 ? 0 : 1;
}

// A Ctrl-C must not leave servers holding ports and temp dirs behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping servers\n`);
    void cleanup().finally(() => process.exit(130));
  });
}
// Last resort if we exit without running cleanup: at least no orphaned servers.
process.on('exit', () => {
  for (const c of children) c.proc.kill('SIGKILL');
});

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
} finally {
  await cleanup();
}
process.exit(exitCode);
