/**
 * Throughput benchmark: our GraphQL and REST surfaces against a bare graphql-yoga server.
 *
 *   npm run bench
 *
 * Environment:
 *   BENCH_SECONDS         measured seconds per target (default 10)
 *   BENCH_WARMUP_SECONDS  unmeasured warm-up per target (default 2)
 *   BENCH_CONNECTIONS     concurrent connections (default 50)
 *   BENCH_TARGETS         comma-separated target names to run (default: all)
 *   BENCH_DATABASE_URL    also run our server against this PostgreSQL database. It writes to it:
 *                         a "bench-…" workspace with an admin key, and request logs.
 *
 * Each server is its own child process and autocannon runs here, so on a 2-core machine the
 * server under load and the load generator each get a core. Targets run one at a time.
 * Prints a table, the ratios to the baseline, and a final `BENCH_JSON {...}` line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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

const config = {
  seconds: intEnv('BENCH_SECONDS', 10),
  warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', 2),
  connections: intEnv('BENCH_CONNECTIONS', 50),
  only: process.env.BENCH_TARGETS ? new Set(process.env.BENCH_TARGETS.split(',').map((s) => s.trim()).filter(Boolean)) : null,
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
};

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
  /** The admin key, for servers that authenticate. */
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
      const apiKey = ADMIN_KEY.exec(child.output.head)?.[0];
      if (!apiKey) throw new Error(`ours: no admin key (${ADMIN_KEY}) in its output:\n${child.output.lastLines()}`);
      return { id: 'ours', baseUrl, apiKey, child };
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
      const apiKey = ADMIN_KEY.exec(cli.output.head)?.[0];
      if (!apiKey) throw new Error(`cli bootstrap (${how}) printed no key:\n${cli.output.lastLines()}`);

      const port = await freePort();
      const child = spawnTs('ours-pg', 'src/server.ts', [], { ...oursEnv(port, dataDir), DATABASE_URL: config.databaseUrl });
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitUntilReady(child, `${baseUrl}/healthz`, { method: 'GET' });
      return { id: 'ours-pg', baseUrl, apiKey, child };
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
      description: 'POST /graphql { viewer { id } } with the admin key',
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
      description: 'GET /v1/me with the admin key',
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

interface Measurement {
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

async function measure(target: Target, server: RunningServer): Promise<Measurement> {
  await probe(target, server);
  if (config.warmupSeconds > 0) await autocannon(cannonOptions(target, server, config.warmupSeconds));
  const r = await autocannon(cannonOptions(target, server, config.seconds));
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
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
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  // Numbers right-aligned, the name column left-aligned.
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)].join('\n');
}

interface RatioResult {
  name: string;
  numerator: string;
  denominator: string;
  value: number;
  atLeast?: number;
  pass?: boolean;
}

function ratios(measurements: Measurement[]): RatioResult[] {
  const byName = new Map(measurements.map((m) => [m.target, m]));
  const out: RatioResult[] = [];
  for (const r of RATIOS) {
    const num = byName.get(r.numerator);
    const den = byName.get(r.denominator);
    if (!num || !den || den.reqPerSec === 0) continue;
    const value = num.reqPerSec / den.reqPerSec;
    out.push({ ...r, value, ...(r.atLeast !== undefined ? { pass: value >= r.atLeast } : {}) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const targets = TARGETS.filter((t) => !config.only || config.only.has(t.name));
  if (targets.length === 0) throw new Error(`BENCH_TARGETS matched nothing; targets are: ${TARGETS.map((t) => t.name).join(', ')}`);
  const needed = SERVERS.filter((s) => targets.some((t) => t.server === s.id));

  const cpuModel = cpus()[0]?.model ?? 'unknown';
  process.stdout.write(
    `bench: ${config.seconds}s per target after ${config.warmupSeconds}s warm-up, ${config.connections} connections, pipelining 1; ` +
      `node ${process.version}, ${cpus().length} CPUs (${cpuModel})\n`,
  );

  // In parallel: starting is CPU-heavy but finishes before any load begins.
  process.stdout.write(`starting: ${needed.map((s) => s.label).join('; ')}\n`);
  const running = new Map<ServerId, RunningServer>();
  for (const s of await Promise.all(needed.map((spec) => spec.start()))) running.set(s.id, s);

  const measurements: Measurement[] = [];
  const warnings: string[] = [];
  for (const target of targets) {
    const server = running.get(target.server)!;
    process.stdout.write(`running ${target.name}: ${target.description} ...\n`);
    const m = await measure(target, server);
    measurements.push(m);
    if (server.child.proc.exitCode !== null || server.child.proc.signalCode !== null) {
      throw new Error(`${server.child.name} exited during ${target.name}:\n${server.child.output.lastLines()}`);
    }
    if (m.unexpected > 0 || m.errors > 0) {
      warnings.push(
        `WARNING ${m.target}: ${m.unexpected} of ${m.responses} responses not ${target.expectStatus} ` +
          `(status counts ${JSON.stringify(m.statusCodes)}), ${m.errors} connection errors (${m.timeouts} timeouts)`,
      );
    }
  }

  for (const s of running.values()) {
    const problems = s.child.output.problems;
    if (problems.length > 0) warnings.push(`WARNING ${s.child.name} logged ${problems.length} warn/error lines, first: ${problems[0]}`);
  }

  const rows = [['target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'unexpected']];
  for (const m of measurements) {
    rows.push([m.target, m.reqPerSec.toFixed(0), m.p50Ms.toFixed(2), m.p99Ms.toFixed(2), String(m.errors), String(m.non2xx), String(m.unexpected)]);
  }
  const rs = ratios(measurements);
  process.stdout.write(`\n${table(rows)}\n\n`);
  for (const r of rs) {
    const goal = r.atLeast !== undefined ? `   goal >= ${r.atLeast.toFixed(2)}: ${r.pass ? 'PASS' : 'FAIL'}` : '';
    process.stdout.write(`${r.name.padEnd(7)} ${r.numerator} / ${r.denominator} = ${r.value.toFixed(3)}${goal}\n`);
  }
  for (const w of warnings) process.stdout.write(`${w}\n`);

  const report = {
    config: { seconds: config.seconds, warmupSeconds: config.warmupSeconds, connections: config.connections, pipelining: 1 },
    env: { node: process.version, cpus: cpus().length, cpuModel },
    measurements,
    ratios: rs,
    pass: rs.filter((r) => r.pass !== undefined).every((r) => r.pass),
    warnings,
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
