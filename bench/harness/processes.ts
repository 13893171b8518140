/** The benchmark's child processes (servers, the CLI): spawning, output, readiness, stopping and clean-up. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

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

export interface Child {
  name: string;
  proc: ChildProcess;
  output: OutputLog;
  /** Settles when the process has exited, with its code or signal. */
  exited: Promise<string>;
}

export const children = new Set<Child>();
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
export function spawnTs(name: string, script: string, args: string[], env: Record<string, string>): Child {
  const prof = process.env.BENCH_PROFILE_DIR && script === 'src/server.ts' ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_DIR] : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', script, ...args], {
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
export const afterStop: (() => Promise<void>)[] = [];

export async function cleanup(): Promise<void> {
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

export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbk-bench-'));
  tempDirs.add(dir);
  return dir;
}

/** Asks the OS for a port nobody holds; the window before the child binds it is small enough here. */
export function freePort(): Promise<number> {
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

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` answers 200, failing early (with the child's output) if the child dies. */
export async function waitUntilReady(child: Child, url: string, init: RequestInit): Promise<void> {
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
export async function waitForOutput(child: Child, pattern: RegExp): Promise<string | undefined> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const found = pattern.exec(child.output.head)?.[0];
    if (found || Date.now() > deadline || child.proc.exitCode !== null || child.proc.signalCode !== null) return found;
    await sleep(50);
  }
}
