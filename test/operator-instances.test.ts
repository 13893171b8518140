import { describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/domain/clock.js';
import { bootstrapOn, openTestDatabase } from './support/harness.js';
import { processEnv, realProcesses } from './support/processes.js';

/**
 * An operator's change reaches every instance over the invalidation bus: two real server
 * processes on one PostgreSQL, changed through one's operator API and through the CLI (a third
 * process). Real processes sharing a database: PostgreSQL only.
 */
const PG_URL = process.env.TEST_DATABASE_URL;
const procs = realProcesses('wsapi-operator-');
/** Each process on its own data folder; counters in each process: what is shared here is the database and its bus. */
const serverEnv = () => processEnv(procs.tempDir(), { extra: { APP_SECRET: 'operator-test-secret-operator-test-secret' } });
const serverProcess = async () => (await procs.start(serverEnv())).url;

async function cli(args: string[]): Promise<string> {
  const r = await procs.cli(serverEnv(), args);
  if (r.code !== 0) throw new Error(`cli ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function call(base: string, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

/** The day limit a key's responses carry, refused or not: the limiter's view of its workspace. */
const dayLimit = async (base: string, key: string) => (await call(base, key, 'GET', '/v1/me')).headers.get('x-ratelimit-limit');

/** Waits, within about a second, until every instance answers `want`; returns how long it took. */
async function convergence(instances: string[], key: string, want: string): Promise<number> {
  const started = Date.now();
  await vi.waitFor(
    async () => {
      for (const base of instances) expect(await dayLimit(base, key)).toBe(want);
    },
    { timeout: 1000, interval: 20 },
  );
  return Date.now() - started;
}

describe.skipIf(!PG_URL)('operator changes across instances', () => {
  it('reach another server process within a second, through the operator API and through the CLI', async () => {
    const database = await openTestDatabase();
    const operator = await bootstrapOn(database, systemClock, { name: 'Operators', plan: 'admin' });
    const target = await bootstrapOn(database, systemClock, { name: 'Bulk project', plan: 'enterprise' });
    await database.close();
    const ws = target.workspace.id;
    const key = target.admin.secret;
    const [a, b] = await Promise.all([serverProcess(), serverProcess()]);

    // Both instances have the key's principal (and so its plan) cached.
    expect(await dayLimit(a, key)).toBe('200000');
    expect(await dayLimit(b, key)).toBe('200000');
    expect((await call(b, key, 'GET', '/v1/workspace')).body!.data.plan.override).toBeNull();

    const expiresAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_600_000).toISOString();
    const set = await call(a, operator.admin.secret, 'PUT', `/v1/operator/workspaces/${ws}/override`, {
      multiplier: 2,
      expires_at: expiresAt,
      reason: 'bulk import',
    });
    expect(set.status).toBe(200);
    expect(await convergence([b], key, '400000')).toBeLessThan(1000);
    const seen = await call(b, key, 'GET', '/v1/workspace');
    expect(seen.headers.get('x-ratelimit-override-expires')).toBe(expiresAt.replace('.000Z', 'Z'));
    expect(seen.body!.data.plan).toMatchObject({ requests_per_day: 400_000, override: { multiplier: 2, expires_at: expiresAt, reason: 'bulk import' } });

    const moved = await call(a, operator.admin.secret, 'PATCH', `/v1/operator/workspaces/${ws}`, { plan: 'org', name: 'Bulk project (Org)' });
    expect(moved.status).toBe(200);
    expect(await convergence([b], key, '20000')).toBeLessThan(1000);
    expect((await call(b, key, 'GET', '/v1/me')).body!.data.workspace.name).toBe('Bulk project (Org)');

    // The CLI is a process of its own: it tells both servers over the same bus.
    await cli(['workspaces', 'override', 'clear', '--workspace', ws]);
    expect(await convergence([a, b], key, '10000')).toBeLessThan(1000);
    const out = JSON.parse(await cli(['workspaces', 'set', '--workspace', ws, '--plan', 'pro', '--json'])) as { plan: { name: string } };
    expect(out.plan.name).toBe('Pro');
    expect(await convergence([a, b], key, '1000')).toBeLessThan(1000);
  }, 180_000);
});
