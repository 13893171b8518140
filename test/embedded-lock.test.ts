import { connect } from 'node:net';
import { lstatSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, startControlServer } from '../src/control/socket.js';
import { DataDirLockedError, lockDataDir, LOCK_FILE } from '../src/db/data-dir-lock.js';
import { gone, processEnv, realProcesses, type ServerProcess } from './support/processes.js';

/**
 * One process per embedded database folder: a second server refuses, the CLI goes through the
 * running server, the folder is private, and a killed holder leaves nothing locked. Real
 * processes, so only on the embedded database.
 */
const procs = realProcesses('wsapi-lock-');
const env = (dataDir: string) => processEnv(dataDir, { database: 'embedded' });
const start = (dataDir: string) => procs.start(env(dataDir));
const cli = (dataDir: string, args: string[]) => procs.cli(env(dataDir), args);

/** Every entry under `dir` (the folder included) with a group or other permission bit. */
function notPrivate(dir: string): string[] {
  const bad: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (!st.isSymbolicLink() && st.mode & 0o077) bad.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(dir);
  return bad;
}

describe.skipIf(!!process.env.TEST_DATABASE_URL)('one process per embedded database', () => {
  // One folder and its server across both tests: each `npm start` takes seconds.
  const dataDir = procs.tempDir();
  let server: ServerProcess;

  it('a second server refuses naming the holder; the CLI runs through the running server; the folder is private', async () => {
    server = await start(dataDir);
    expect(notPrivate(dataDir)).toEqual([]);
    expect(statSync(join(dataDir, 'control.sock')).isSocket()).toBe(true);

    const second = await procs.run('npm', ['start'], env(dataDir));
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`is in use by a server (pid ${server.pid}, started `);
    expect(second.stderr).toContain(`serving ${server.url}, control socket ${join(dataDir, 'control.sock')})`);

    // bootstrap: the key it prints authenticates against the running server, so the write
    // reached that server's database.
    const boot = await cli(dataDir, ['bootstrap', '--workspace', 'Acme', '--plan', 'pro', '--json']);
    expect(boot.stderr).toBe('');
    const { workspace, key } = JSON.parse(boot.stdout.trim()) as { workspace: { id: string }; key: string };
    const me = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { data: { workspace: { id: string; name: string } } }).data.workspace).toMatchObject({ id: workspace.id, name: 'Acme' });

    const credits = await cli(dataDir, ['credits', 'add', '--workspace', workspace.id, '--amount', '1234', '--json']);
    expect(JSON.parse(credits.stdout.trim())).toEqual({ workspace: { id: workspace.id }, credit_balance: 1234 });
    const ws = await fetch(`${server.url}/v1/workspace`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await ws.json()) as { data: { credit_balance: number } }).data.credit_balance).toBe(1234);

    // A failure comes back as the CLI's own error, with its exit code.
    const missing = await cli(dataDir, ['credits', 'add', '--workspace', 'ws_missing', '--amount', '5']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: Workspace not found\n');
    expect(notPrivate(dataDir)).toEqual([]);
  }, 180_000);

  it('operator commands through the running server change its plan and override at once, and are audited as "cli"', async () => {
    const get = (path: string) => fetch(server.url + path, { headers: { authorization: `Bearer ${server.key}` } });
    const ws = ((await (await get('/v1/me')).json()) as { data: { workspace: { id: string } } }).data.workspace.id;
    // The Default workspace's key is cached with its plan (Enterprise).
    expect((await get('/v1/me')).headers.get('x-ratelimit-limit')).toBe('200000');

    const set = await cli(dataDir, ['workspaces', 'set', '--workspace', ws, '--plan', 'starter', '--name', 'Default Inc', '--json']);
    expect(set.stderr).toBe('');
    expect(JSON.parse(set.stdout)).toMatchObject({ id: ws, name: 'Default Inc', plan: { id: 'plan_starter', requests_per_day: 100, override: null } });
    expect((await get('/v1/me')).headers.get('x-ratelimit-limit')).toBe('100');

    const lifted = await cli(dataDir, ['workspaces', 'override', '--workspace', ws, '--multiplier', '2', '--for', '7d', '--reason', 'bulk import', '--json']);
    const override = (JSON.parse(lifted.stdout) as { plan: { override: { expires_at: string } } }).plan.override;
    expect(override).toMatchObject({ multiplier: 2, reason: 'bulk import' });
    const me = await get('/v1/me');
    expect(me.headers.get('x-ratelimit-limit')).toBe('200');
    expect(me.headers.get('x-ratelimit-override-expires')).toBe(
      new Date(Math.ceil(Date.parse(override.expires_at) / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    );
    const plan = ((await (await get('/v1/workspace')).json()) as { data: { plan: Record<string, unknown> } }).data.plan;
    expect(plan).toMatchObject({ requests_per_second: 10, requests_per_minute: 20, requests_per_day: 200, override: { multiplier: 2 } });

    // A refusal comes back as the CLI's own error.
    const bad = await cli(dataDir, ['workspaces', 'override', '--workspace', ws, '--multiplier', '0.5', '--for', '1d']);
    expect(bad).toMatchObject({ code: 1, stderr: 'error: --multiplier must be a number above 1 and at most 1000\n' });

    await cli(dataDir, ['workspaces', 'override', 'clear', '--workspace', ws]);
    expect((await get('/v1/me')).headers.get('x-ratelimit-limit')).toBe('100');
    await cli(dataDir, ['credits', 'add', '--workspace', ws, '--amount', '50']);

    const listed = JSON.parse((await cli(dataDir, ['workspaces', 'list', '--json'])).stdout) as {
      id: string;
      credit_balance: number;
      key_count: number;
      calls_today: number;
    }[];
    // Every request the key made so far: the server flushes its request logs before counting. The
    // Default workspace started with the demo credits of a first start on an embedded database.
    expect(listed.find((w) => w.id === ws)).toMatchObject({ credit_balance: 1050, key_count: 1, calls_today: 6 });
    const audit = JSON.parse((await cli(dataDir, ['workspaces', 'audit', '--workspace', ws, '--json'])).stdout) as { actor: string; action: string }[];
    expect(audit.map((e) => [e.actor, e.action])).toEqual([
      ['cli', 'credits_added'],
      ['cli', 'override_cleared'],
      ['cli', 'override_set'],
      ['cli', 'workspace_updated'],
    ]);
  }, 180_000);

  it('a server killed with SIGKILL leaves the folder free; a clean stop releases it', async () => {
    process.kill(-server.child.pid!, 'SIGKILL');
    await server.exited;
    // Its lock file and control socket are still there, naming a dead process.
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(server.pid);
    const killed = server;
    server = await start(dataDir);
    expect(server.pid).not.toBe(killed.pid);
    const plansServed = await cli(dataDir, ['plans', '--json']);
    expect(plansServed.stderr).toBe('');

    process.kill(server.pid, 'SIGTERM');
    await gone(server.pid);
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).toBe('');
    // Free again, the CLI opens the folder itself and prints the same as through the server.
    const plansLocal = await cli(dataDir, ['plans', '--json']);
    expect(plansLocal.stdout).toBe(plansServed.stdout);
    expect((JSON.parse(plansLocal.stdout) as unknown[]).length).toBeGreaterThan(0);
  }, 180_000);
});

describe('data folder lock and control socket, in process', () => {
  it('the lock excludes a second holder, names the first, and frees on release', async () => {
    const dataDir = procs.tempDir();
    const first = await lockDataDir(dataDir, { kind: 'cli', command: 'credits add' });
    const err = await lockDataDir(dataDir, { kind: 'server' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as DataDirLockedError).holder).toMatchObject({ pid: process.pid, kind: 'cli', command: 'credits add' });
    expect((err as Error).message).toContain(`in use by the CLI running "credits add" (pid ${process.pid}, started `);
    first.release();
    const again = await lockDataDir(dataDir, { kind: 'server' });
    expect(again.holder.kind).toBe('server');
    again.release();
  });

  it('the control socket replaces a stale file, is 0600, and bounds what it reads', async () => {
    const dataDir = procs.tempDir();
    const lock = await lockDataDir(dataDir, { kind: 'server' });
    const path = join(dataDir, 'control.sock');
    writeFileSync(path, 'left by a dead process');
    const ran: unknown[] = [];
    const control = await startControlServer({
      path,
      run: async (req) => {
        ran.push(req);
        return { json: { ok: 1 }, text: 'ok' };
      },
      logger: (await import('pino')).pino({ level: 'silent' }),
    });
    const ask = (payload: string | Buffer) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(path);
        let out = '';
        s.on('data', (c: Buffer) => (out += c.toString()));
        s.on('close', () => resolve(out));
        s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? resolve(out) : reject(e)));
        s.end(payload);
      });
    try {
      expect(statSync(path).isSocket()).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await ask('{"command":"plans"}\n'))).toEqual({ ok: true, output: { json: { ok: 1 }, text: 'ok' } });
      expect(JSON.parse(await ask('{"command":"drop database"}\n'))).toMatchObject({ ok: false });
      expect(JSON.parse(await ask(Buffer.alloc(MAX_REQUEST_BYTES + 1000, 'x')))).toEqual({
        ok: false,
        message: `request larger than ${MAX_REQUEST_BYTES} bytes`,
      });
      expect(ran).toEqual([{ command: 'plans' }]);
    } finally {
      await control.close();
      lock.release();
    }
  });
});
