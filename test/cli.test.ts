import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wsapi-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The CLI and the server as a user runs them, on the same database the suite uses. */
function env(dataDir: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  if (process.env.TEST_DATABASE_URL) e.DATABASE_URL = process.env.TEST_DATABASE_URL;
  else delete e.DATABASE_URL;
  return e;
}

describe('CLI', () => {
  it('bootstrap --json prints a workspace and an admin key holding every scope', async () => {
    const dataDir = tempDir();
    const { stdout } = await run('npm', ['run', '--silent', 'cli', '--', 'bootstrap', '--workspace', 'Acme', '--plan', 'pro', '--json'], {
      cwd: root,
      env: env(dataDir),
      timeout: 60_000,
    });
    const out = JSON.parse(stdout.trim()) as { workspace: { id: string }; key: string };
    expect(Object.keys(out)).toEqual(['workspace', 'key']);
    expect(out.workspace.id).toMatch(/^ws_[0-9A-Z]{26}$/);
    expect(out.key).toMatch(/^wbk_live_[0-9A-Za-z]{38}$/);

    const bad = await run('npm', ['run', '--silent', 'cli', '--', 'bootstrap', '--workspace', 'Acme', '--plan', 'platinum', '--json'], {
      cwd: root,
      env: env(dataDir),
    }).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toMatch(/plan must be one of Free, Starter, Pro, Scale, Org, Enterprise, Admin/);
  }, 90_000);

  it.skipIf(!!process.env.TEST_DATABASE_URL)(
    'npm start on an empty embedded database prints a working admin key once, where the data lives and how to back it up; a restart says it reused it',
    async () => {
      const dataDir = tempDir();
      const first = await startServer(env(dataDir));
      try {
        const key = /wbk_live_[0-9A-Za-z]{38}/.exec(first.out)?.[0];
        expect(key).toBeDefined();
        const me = await fetch(`${first.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
        expect(me.status).toBe(200);
        expect(((await me.json()) as { data: { workspace: { name: string } } }).data.workspace.name).toBe('Default');
        // The key appears once in the output, and never in a log line.
        expect(first.out.split(key!).length - 1).toBe(1);
        expect(first.out.split('\n').filter((l) => l.startsWith('{')).join('\n')).not.toContain(key!);
        expect(textLines(first.out)).toContain(
          [
            `Your data lives in ${dataDir} (an embedded PostgreSQL database and the server's app-secret).`,
            `To back it up, stop the server and copy that whole folder, e.g. cp -a '${dataDir}' '${dataDir}-backup';`,
            'to restore, start with DATA_DIR set to a copy. A copy made while the server runs may be unusable.',
          ].join('\n'),
        );
      } finally {
        await first.stop();
      }
      const again = await startServer(env(dataDir));
      try {
        expect(textLines(again.out)).toBe(`Reusing the data in ${dataDir}: 1 workspace. Back it up by stopping the server and copying that folder.`);
      } finally {
        await again.stop();
      }
    },
    120_000,
  );

  it.runIf(!!process.env.TEST_DATABASE_URL)('npm start with DATABASE_URL names the database, never its password; a restart says it reused it', async () => {
    const base = new URL(process.env.TEST_DATABASE_URL!);
    const name = `wsapi_first_start_${process.pid}`;
    const admin = postgres(base.href, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    try {
      const url = new URL(base.href);
      url.pathname = `/${name}`;
      // Trust authentication ignores a password; one is there to prove it is never printed.
      if (!url.password) url.password = 'never-printed-pw';
      const dataDir = tempDir();
      const e: NodeJS.ProcessEnv = { ...env(dataDir), DATABASE_URL: url.href };
      const first = await startServer(e);
      const where = `the PostgreSQL database "${name}" on ${base.hostname}:${base.port || '5432'}${base.username ? ` as ${decodeURIComponent(base.username)}` : ''}`;
      try {
        expect(first.out).toMatch(/Created workspace "Default"/);
        expect(textLines(first.out)).toContain(`Your data lives in ${where}; back it up with pg_dump. Keep ${dataDir}/app-secret with it`);
        expect(first.out).not.toContain(decodeURIComponent(url.password));
      } finally {
        await first.stop();
      }
      const again = await startServer(e);
      try {
        expect(textLines(again.out)).toBe(`Reusing the data in ${where}: 1 workspace.`);
        expect(again.out).not.toContain(decodeURIComponent(url.password));
      } finally {
        await again.stop();
      }
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 120_000);
});

/** What a person reads: the output without npm's banner and the JSON log lines. */
function textLines(out: string): string {
  return out
    .split('\n')
    .filter((l) => !l.startsWith('{') && !l.startsWith('>') && !l.startsWith('npm '))
    .join('\n')
    .trim();
}

/** `npm start` until it serves; stop() ends it and waits until the server itself is gone (npm exits first). */
async function startServer(e: NodeJS.ProcessEnv): Promise<{ url: string; out: string; stop(): Promise<void> }> {
  const child = spawn('npm', ['start'], { cwd: root, env: { ...e, PORT: '0', HOST: '127.0.0.1' }, detached: true });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + 60_000;
  let m: RegExpExecArray | null = null;
  while (!(m = /"pid":(\d+).*"url":"(http:\/\/[^"]+)"/.exec(out)) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const stop = async () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    const pid = m ? Number(m[1]) : undefined;
    for (const until = Date.now() + 30_000; pid && Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
    }
  };
  if (!m) {
    await stop();
    throw new Error(`server did not start:\n${out}`);
  }
  return { url: m[2]!, out, stop };
}

describe('first minutes', () => {
  it('cli --help prints usage and exits 0; no command exits 2 with usage', async () => {
    const help = await run('npm', ['run', '--silent', 'cli', '--', '--help'], { cwd: root, env: env(tempDir()) });
    expect(help.stdout).toMatch(/^Usage: npm run --silent cli -- <command>/);
    const none = await run('npm', ['run', '--silent', 'cli'], { cwd: root, env: env(tempDir()) }).catch((e: { code: number; stderr: string }) => e);
    expect((none as { code: number }).code).toBe(2);
    expect((none as { stderr: string }).stderr).toMatch(/^Usage:/);
  }, 60_000);

  it('npm start on a busy port fails with one clear line, before any key is minted and printed', async () => {
    const busy = createNetServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as AddressInfo).port;
    try {
      const out = await run('npm', ['start'], { cwd: root, env: { ...env(tempDir()), PORT: String(port), HOST: '127.0.0.1' }, timeout: 60_000 }).catch(
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      const failed = out as { code: number; stdout: string; stderr: string };
      expect(failed.code).toBe(1);
      expect(failed.stdout).not.toMatch(/wbk_live_/);
      const lines = failed.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm'));
      expect(lines).toEqual([`error: cannot listen on 127.0.0.1:${port} (the port is in use); set PORT (and HOST) to another`]);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  }, 90_000);
});
