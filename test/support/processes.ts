import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';

/**
 * The server and the CLI as a user runs them (`npm start`, `npm run cli`): real processes on a
 * data folder of their own. `realProcesses()` hands out folders and processes for one test file
 * and, after its last test, kills whatever still runs and removes the folders.
 */

const root = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);

export interface ProcessEnvOptions {
  /**
   * `suite` (default): the database the suite runs on, PostgreSQL when TEST_DATABASE_URL is set,
   * else the embedded one in the data folder. `embedded`: always the embedded one.
   */
  database?: 'suite' | 'embedded';
  /** Set over the rest (REDIS_URL, say: otherwise counters stay in the process). */
  extra?: NodeJS.ProcessEnv;
}

/**
 * The environment of a process on `dataDir`: the shell's, with the database chosen as the suite
 * runs, logs at info, and (for a server) any free port on loopback.
 */
export function processEnv(dataDir: string, opts: ProcessEnvOptions = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1' };
  if (opts.database !== 'embedded' && process.env.TEST_DATABASE_URL) e.DATABASE_URL = process.env.TEST_DATABASE_URL;
  else delete e.DATABASE_URL;
  delete e.REDIS_URL;
  return { ...e, ...opts.extra };
}

export interface ServerProcess {
  /** What was spawned: npm (leader of the server's process group), or with `direct` the server itself. */
  child: ChildProcess;
  url: string;
  /** The server's own pid, as its log states it (npm's child, unless `direct`). */
  pid: number;
  /** The admin key a first start on an empty database prints, if it printed one by the time it served. */
  key: string | undefined;
  /** Everything it printed so far, stdout and stderr. */
  out(): string;
  /** Settles with the exit code (null after a signal) when `child` has exited. */
  exited: Promise<number | null>;
  /** Ends the whole group and waits until the server itself is gone (npm exits first). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /**
   * Spawn the server itself (node with tsx) rather than `npm start`, for a test that signals it
   * and reads its exit code: npm would stand in between.
   */
  direct?: boolean;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until `pid` has ended. */
export async function gone(pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`pid ${pid} still running`);
    await pause(50);
  }
}

export function realProcesses(prefix: string) {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  return {
    /** A fresh folder, removed after the file. */
    tempDir(): string {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },

    /** `npm start` in a process group of its own, until it serves. */
    async start(env: NodeJS.ProcessEnv, opts: StartOptions = {}): Promise<ServerProcess> {
      const [command, args] = opts.direct ? [process.execPath, ['--import', 'tsx', 'src/server.ts']] : ['npm', ['start']];
      const child = spawn(command, args, { cwd: root, env, detached: true });
      children.push(child);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      const deadline = Date.now() + 60_000;
      let listening: RegExpExecArray | null = null;
      while (!(listening = /"pid":(\d+).*"url":"(http:\/\/[^"]+)"/.exec(out)) && child.exitCode === null && Date.now() < deadline) await pause(100);
      const pid = listening ? Number(listening[1]) : undefined;
      const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
        if (pid) await gone(pid);
      };
      if (!listening) {
        await stop();
        throw new Error(`server did not start:\n${out}`);
      }
      return { child, url: listening[2]!, pid: pid!, key: /wbk_live_[0-9A-Za-z]{38}/.exec(out)?.[0], out: () => out, exited, stop };
    },

    /** `npm run --silent cli -- …args`; a failure is a result too, with its exit code. */
    cli(env: NodeJS.ProcessEnv, args: string[]): Promise<CliResult> {
      return run('npm', ['run', '--silent', 'cli', '--', ...args], { cwd: root, env, timeout: 60_000 }).then(
        (r) => ({ code: 0, ...r }),
        (e: CliResult) => e,
      );
    },

    /** A command in the repository's folder (e.g. `npm start` expected to fail), its failure as a result. */
    run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
      return run(command, args, { cwd: root, env, timeout: 60_000 }).then(
        (r) => ({ code: 0, ...r }),
        (e: CliResult) => e,
      );
    },
  };
}
