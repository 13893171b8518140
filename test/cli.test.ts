import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

  it.skipIf(!!process.env.TEST_DATABASE_URL)('npm start on an empty embedded database prints a working admin key once', async () => {
    const dataDir = tempDir();
    const child = spawn('npm', ['start'], { cwd: root, env: { ...env(dataDir), PORT: '0', HOST: '127.0.0.1' }, detached: true });
    try {
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const deadline = Date.now() + 60_000;
      while (!/"url":"http:\/\/[^"]+"/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const key = /wbk_live_[0-9A-Za-z]{38}/.exec(out)?.[0];
      const url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
      expect(key).toBeDefined();
      expect(url).toBeDefined();
      const me = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { data: { workspace: { name: string } } }).data.workspace.name).toBe('Default');
      // The key appears once in the output, and never in a log line.
      expect(out.split(key!).length - 1).toBe(1);
      expect(out.split('\n').filter((l) => l.startsWith('{')).join('\n')).not.toContain(key!);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
  }, 90_000);
});

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
