import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * `npm run cli -- keys import` against a running `npm start`: through the control socket on the
 * embedded database, on its own connection with DATABASE_URL. The server authenticates the
 * imported keys without a restart.
 */
const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const dirs: string[] = [];
const children: ChildProcess[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wsapi-import-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function env(dataDir: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1' };
  if (process.env.TEST_DATABASE_URL) e.DATABASE_URL = process.env.TEST_DATABASE_URL;
  else delete e.DATABASE_URL;
  delete e.REDIS_URL;
  return e;
}

async function start(dataDir: string): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn('npm', ['start'], { cwd: root, env: env(dataDir), detached: true });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!(url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1]) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!url) throw new Error(`server did not start:\n${out}`);
  return { child, url, out: () => out };
}

const cli = (dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  run('npm', ['run', '--silent', 'cli', '--', ...args], { cwd: root, env: env(dataDir), timeout: 60_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

const capi = () => `capi_${createHash('md5').update(`${process.pid}-${Math.random()}`).digest('hex')}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('cli keys import while the server runs', () => {
  it('imports over the running server; its keys authenticate there at once; a second run skips them all', async () => {
    const dataDir = tempDir();
    const server = await start(dataDir);
    try {
      const boot = await cli(dataDir, ['bootstrap', '--workspace', 'Movers', '--plan', 'pro', '--json']);
      expect(boot.stderr).toBe('');
      const { workspace } = JSON.parse(boot.stdout) as { workspace: { id: string } };
      const plain = capi();
      const hashed = capi();
      const file = join(dataDir, 'keys.ndjson');
      writeFileSync(
        file,
        [
          JSON.stringify({ key: plain, name: 'n8n', permissions: ['read'] }),
          JSON.stringify({ hash: sha256(hashed), name: 'zapier', permissions: ['read:contacts'], prefix: 'capi_zap' }),
          JSON.stringify({ hash: sha256(hashed).slice(2), name: 'typo', permissions: ['read'] }),
        ].join('\n'),
      );
      const first = await cli(dataDir, ['keys', 'import', '--workspace', workspace.id, '--file', file, '--json']);
      // A bad line: reported, the others imported, and the exit code says so.
      expect(first.code).toBe(1);
      expect(first.stderr).toBe('');
      const report = JSON.parse(first.stdout) as { imported: number; skipped: number; failed: number; lines: { line: number; result: string; reason?: string }[] };
      expect(report).toMatchObject({ workspace: { id: workspace.id }, imported: 2, skipped: 0, failed: 1 });
      expect(report.lines[2]).toEqual({ line: 3, result: 'failed', reason: "hash must be the key's SHA-256, as 64 hexadecimal characters" });
      expect(first.stdout).not.toContain(plain);

      // No restart. Through the control socket the server learnt of them before the CLI got its
      // answer; a CLI on its own connection (DATABASE_URL) tells it over the bus, within a second.
      const authenticates = async () => {
        for (const [key, name] of [
          [plain, 'n8n'],
          [hashed, 'zapier'],
        ] as const) {
          const me = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
          expect(me.status).toBe(200);
          expect(((await me.json()) as { data: { name: string } }).data.name).toBe(name);
        }
      };
      if (process.env.TEST_DATABASE_URL) await vi.waitFor(authenticates, { timeout: 1000, interval: 20 });
      else await authenticates();
      expect(server.out()).not.toContain(plain);

      const again = await cli(dataDir, ['keys', 'import', '--workspace', workspace.id, '--file', file]);
      expect(again.code).toBe(1);
      expect(again.stdout.split('\n')[0]).toBe(`Workspace ${workspace.id}: 0 imported, 2 skipped (already present), 1 failed`);
      expect(again.stdout).toMatch(/^line 1: skipped: already present as key_\w+ \(same hash\); left unchanged$/m);

      const missing = await cli(dataDir, ['keys', 'import', '--workspace', workspace.id, '--file', join(dataDir, 'nope.ndjson')]);
      expect(missing).toMatchObject({ code: 1, stderr: `error: cannot read ${join(dataDir, 'nope.ndjson')}: ENOENT\n` });
      const usage = await cli(dataDir, ['keys', 'import', '--file', file]);
      expect(usage).toMatchObject({ code: 1, stderr: 'error: usage: keys import --workspace ID --file FILE\n' });
    } finally {
      process.kill(-server.child.pid!, 'SIGTERM');
    }
  }, 180_000);
});
