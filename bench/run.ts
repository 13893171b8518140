/**
 * Throughput benchmark: our GraphQL and REST surfaces against a bare graphql-yoga server.
 *
 *   npm run bench
 *
 * Environment:
 *   BENCH_ROUNDS          interleaved rounds; each round runs every selected target once (default 3)
 *   BENCH_SECONDS         measured seconds per target per round (default 6 with several rounds, 10 with one)
 *   BENCH_WARMUP_SECONDS  unmeasured warm-up before every measured run (default 2)
 *   BENCH_CONNECTIONS     concurrent connections (default 50)
 *   BENCH_TARGETS         comma-separated target names to run (default: all)
 *   BENCH_DATABASE_URL    also run our server against this PostgreSQL database (the pg-* targets and
 *                         the "pg …" ratios). It writes to it: a "bench-…" workspace with an admin
 *                         key, and request logs.
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
 * Our servers are loaded with an unmetered key (see benchKey): on its standard tier the admin
 * plan would answer 429 past 1000 req/s, and the benchmark would measure refusals.
 *
 * Prints a table, the ratios to the baseline, and a final `BENCH_JSON {...}` line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
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

async function cleanup(): Promise<void> {
  await Promise.all([...children].map(stopChild));
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

// ---------------------------------------------------------------------------------------------
// Servers

type ServerId = 'yoga' | 'ours' | 'ours-pg';

interface RunningServer {
  id: ServerId;
  baseUrl: string;
  /** For servers that authenticate: an unmetered key with the admin key's scopes (benchKey). */
  apiKey: string | null;
  child: Child;
}

interface ServerSpec {
  id: ServerId;
  label: string;
  start(): Promise<RunningServer>;
}

/** Common to every run of our server: quiet logs, a plan whose limits are highest, and no IP block in the way of the invalid-key flood. */
function oursEnv(port: number, dataDir: string): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DEFAULT_PLAN: 'admin',
    IP_BLOCK_MAX_FAILURES: '0',
  };
}

/**
 * The key the targets load with: a new key holding the admin key's scopes, on the unmetered tier
 * (the admin plan allows it), so the plan's per-second and per-minute windows (1000/s, 20000/min)
 * do not turn the throughput runs into 429 floods. The limiter still runs on every request.
 */
async function benchKey(name: string, baseUrl: string, adminKey: string): Promise<string> {
  const call = async (method: string, path: string, key: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? json : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status !== 200 && res.status !== 201) throw new Error(`${name}: ${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    const data = asRecord(asRecord(JSON.parse(text))?.data);
    if (!data) throw new Error(`${name}: ${method} ${path} answered no data: ${text.slice(0, 500)}`);
    return data;
  };
  const me = await call('GET', '/v1/me', adminKey);
  const permissions = me.permissions;
  if (!Array.isArray(permissions)) throw new Error(`${name}: /v1/me has no permissions: ${JSON.stringify(me)}`);
  const created = await call('POST', '/v1/api-keys', adminKey, { name: 'bench (unmetered)', permissions, rate_limit_tier: 'unmetered' });
  const secret = created.key;
  if (typeof secret !== 'string' || !ADMIN_KEY.test(secret)) throw new Error(`${name}: created no key: ${JSON.stringify(created)}`);
  const check = await call('GET', '/v1/me', secret);
  if (check.rate_limit_tier !== 'unmetered') throw new Error(`${name}: bench key is not unmetered: ${JSON.stringify(check)}`);
  return secret;
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
      return { id: 'yoga', baseUrl, apiKey: null, child };
    },
  },
  {
    id: 'ours',
    label: 'our server, PGlite in a fresh DATA_DIR',
    async start() {
      const port = await freePort();
      const child = spawnTs('ours', 'src/server.ts', [], oursEnv(port, makeTempDir()));
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitUntilReady(child, `${baseUrl}/healthz`, { method: 'GET' });
      // The key is printed before the server listens, so it is in the output by now.
      const adminKey = ADMIN_KEY.exec(child.output.head)?.[0];
      if (!adminKey) throw new Error(`ours: no admin key (${ADMIN_KEY}) in its output:\n${child.output.lastLines()}`);
      return { id: 'ours', baseUrl, apiKey: await benchKey('ours', baseUrl, adminKey), child };
    },
  },
  {
    id: 'ours-pg',
    label: 'our server, PostgreSQL (BENCH_DATABASE_URL)',
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
      return { id: 'ours-pg', baseUrl, apiKey: await benchKey('ours-pg', baseUrl, adminKey), child };
    },
  },
];

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
  headers(server: RunningServer): Headers;
  /**
   * Headers that change with every request (merged over `headers`). Runs in the load generator,
   * which shares the machine with the server, so it must be cheap.
   */
  perRequestHeaders?: () => Headers;
  expectStatus: number;
  /** Checked on one request before loading, because a GraphQL 200 can still carry errors. */
  verify?(body: unknown): string | null;
}

interface Ratio {
  name: string;
  numerator: string;
  denominator: string;
  /** When set, the ratio is a pass/fail goal. */
  atLeast?: number;
}

function requireKey(server: RunningServer): string {
  if (!server.apiKey) throw new Error(`${server.id} has no API key`);
  return server.apiKey;
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

/** Our server's targets; defined once so the PGlite and PostgreSQL runs load exactly the same requests. */
function oursTargets(server: 'ours' | 'ours-pg', prefix: string): Target[] {
  return [
    {
      name: `${prefix}-graphql`,
      server,
      description: 'POST /graphql { viewer { id } } with the bench key (admin scopes, unmetered)',
      method: 'POST',
      path: '/graphql',
      body: JSON.stringify({ query: '{ viewer { id } }' }),
      headers: (s) => ({ ...json, authorization: `Bearer ${requireKey(s)}` }),
      expectStatus: 200,
      verify(body) {
        const b = asRecord(body);
        if (b?.errors) return `GraphQL errors: ${JSON.stringify(b.errors)}`;
        return typeof asRecord(asRecord(b?.data)?.viewer)?.id === 'string' ? null : `no data.viewer.id in ${JSON.stringify(body)}`;
      },
    },
    {
      name: `${prefix}-rest-me`,
      server,
      description: 'GET /v1/me with the bench key (admin scopes, unmetered)',
      method: 'GET',
      path: '/v1/me',
      headers: (s) => ({ authorization: `Bearer ${requireKey(s)}` }),
      expectStatus: 200,
      verify: (body) => (asRecord(asRecord(body)?.data) ? null : `no data in ${JSON.stringify(body)}`),
    },
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
  ...(config.databaseUrl ? oursTargets('ours-pg', 'pg') : []),
];

const RATIOS: Ratio[] = [
  { name: 'b/a', numerator: 'ours-graphql', denominator: 'yoga-graphql', atLeast: 0.9 },
  { name: 'c/a', numerator: 'ours-rest-me', denominator: 'yoga-graphql' },
  { name: 'pg b/a', numerator: 'pg-graphql', denominator: 'yoga-graphql' },
  { name: 'pg c/a', numerator: 'pg-rest-me', denominator: 'yoga-graphql' },
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

async function probe(target: Target, server: RunningServer): Promise<void> {
  const headers = { ...target.headers(server), ...target.perRequestHeaders?.() };
  const res = await fetch(server.baseUrl + target.path, { method: target.method, headers, body: target.body });
  const text = await res.text();
  if (res.status !== target.expectStatus) throw new Error(`${target.name}: expected ${target.expectStatus}, got ${res.status}: ${text.slice(0, 500)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${target.name}: response is not JSON: ${text.slice(0, 500)}`);
  }
  const problem = target.verify?.(body);
  if (problem) throw new Error(`${target.name}: ${problem}`);
}

async function measure(target: Target, server: RunningServer, servers: RunningServer[], round: number, settleMs: number): Promise<Measurement> {
  await probe(target, server);
  if (config.warmupSeconds > 0) await autocannon(cannonOptions(target, server, config.warmupSeconds));
  const before = cpuSnapshot(servers);
  const r = await autocannon(cannonOptions(target, server, config.seconds));
  const cpu = cpuUse(before, cpuSnapshot(servers));
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
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
    unexpected: responses - (statusCodes[String(target.expectStatus)] ?? 0),
    responses,
    statusCodes,
    settleMs,
    cpu,
  };
}

// Where the CPU went. On two cores anything else that runs (a test suite in another shell,
// PostgreSQL still vacuuming after a flood, our server writing the request logs a flood queued)
// is charged to whichever target is being measured. So before each run we wait, bounded, for the
// whole machine to go quiet, and during each run we account for every CPU tick: our servers, the
// load generator (this process), PostgreSQL, and the rest. Linux only (/proc); elsewhere we
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

/** Ticks used by every process named postgres (the server and its backends), wherever it runs. */
function postgresTicks(): number {
  let sum = 0;
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    sum += processTicks(pid) ?? 0;
  }
  return sum;
}

interface CpuSnapshot {
  at: number;
  machine: number | null;
  servers: number;
  postgres: number;
  /** This process, which runs autocannon. */
  self: number;
}

function cpuSnapshot(servers: RunningServer[]): CpuSnapshot {
  const self = process.cpuUsage();
  return {
    at: Date.now(),
    machine: machineBusyTicks(),
    servers: servers.reduce((a, s) => a + (processTicks(s.child.proc.pid) ?? 0), 0),
    postgres: config.databaseUrl ? postgresTicks() : 0,
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
  return {
    servers: cores(servers),
    loadgen: cores(self),
    postgres: cores(pg),
    other: cores(b.machine - a.machine - servers - self - pg),
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

interface RatioResult {
  name: string;
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
  const targets = TARGETS.filter((t) => !config.only || config.only.has(t.name));
  if (targets.length === 0) throw new Error(`BENCH_TARGETS matched nothing; targets are: ${TARGETS.map((t) => t.name).join(', ')}`);
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
  const running = new Map<ServerId, RunningServer>();
  for (const s of await Promise.all(needed.map((spec) => spec.start()))) running.set(s.id, s);
  const servers = [...running.values()];

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
        ? `; cores: server ${c.servers.toFixed(2)}, autocannon ${c.loadgen.toFixed(2)}${config.databaseUrl ? `, postgres ${c.postgres.toFixed(2)}` : ''}, other ${c.other.toFixed(2)}`
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
  for (const r of rs) {
    const goal = r.atLeast !== undefined ? `   goal >= ${r.atLeast.toFixed(2)}: ${r.pass ? 'PASS' : 'FAIL'}` : '';
    const spread = `median of ${r.perRound.length}, min ${r.min.toFixed(3)}, max ${r.max.toFixed(3)}; by round ${r.perRound.map((p) => p.value.toFixed(3)).join(' ')}`;
    process.stdout.write(`${r.name.padEnd(7)} ${`${r.numerator} / ${r.denominator}`.padEnd(pairWidth)} = ${r.value.toFixed(3)}  (${spread})${goal}\n`);
  }
  for (const w of warnings) process.stdout.write(`${w}\n`);
  process.stdout.write(`bench: measured in ${duration(elapsedMs)}\n`);

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
    pass: rs.filter((r) => r.pass !== undefined).every((r) => r.pass),
    warnings,
    elapsedSeconds: Math.round(elapsedMs / 1000),
  };
  process.stdout.write(`BENCH_JSON ${JSON.stringify(report)}\n`);
  return 0;
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
