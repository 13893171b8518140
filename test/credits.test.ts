import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../src/domain/context.js';
import { addCredits, creditBalance, withCredits } from '../src/domain/credits.js';
import { ApiError } from '../src/domain/errors.js';
import { startServer, type Tenant, type TestServer } from './support/harness.js';
import { SURFACES } from './support/surfaces.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

/** A service context for the tenant's admin key, as the app builds one per request. */
async function contextFor(tenant: Tenant): Promise<ServiceContext & { recorded: number }> {
  const principal = await t.app.gateway.authenticator.authenticate(`Bearer ${tenant.key}`, '127.0.0.1');
  const ctx = { ...t.app.contexts(principal, { credits: 0, replayed: false }), recorded: 0 };
  ctx.recordCredits = (n: number) => {
    ctx.recorded += n;
  };
  return ctx;
}

describe('credits', () => {
  it('charge before the work, record credits_used, and never go below zero', async () => {
    const tenant = await t.tenant();
    await addCredits(t.database.db, tenant.workspaceId, 120);
    const ctx = await contextFor(tenant);
    const out = await withCredits(ctx, 50, async () => 'rows');
    expect(out).toEqual({ value: 'rows', creditsUsed: 50 });
    expect(ctx.recorded).toBe(50);
    expect(await creditBalance(t.database.db, tenant.workspaceId)).toBe(70);

    let ran = false;
    const refused = await withCredits(ctx, 71, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'insufficient_credits', status: 402, message: 'Insufficient credits: this request costs 71 credits and the balance is 70' });
    expect(ran).toBe(false);
    expect(await creditBalance(t.database.db, tenant.workspaceId)).toBe(70);
  });

  it('give the credits back when the work fails', async () => {
    const tenant = await t.tenant();
    await addCredits(t.database.db, tenant.workspaceId, 10);
    const ctx = await contextFor(tenant);
    await expect(withCredits(ctx, 4, async () => Promise.reject(new Error('search backend down')))).rejects.toThrow('search backend down');
    expect(await creditBalance(t.database.db, tenant.workspaceId)).toBe(10);
    expect(ctx.recorded).toBe(0);
  });

  it('admit exactly what the balance covers when 100 charges race', async () => {
    const tenant = await t.tenant();
    await addCredits(t.database.db, tenant.workspaceId, 37);
    const ctx = await contextFor(tenant);
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => withCredits(ctx, 1, async () => 1)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(37);
    expect(results.filter((r) => r.status === 'rejected' && (r.reason as ApiError).code === 'insufficient_credits')).toHaveLength(63);
    expect(await creditBalance(t.database.db, tenant.workspaceId)).toBe(0);
  });

  it.each(SURFACES)('show the balance over %s', async (_n, makeSurface) => {
    const tenant = await t.tenant();
    await addCredits(t.database.db, tenant.workspaceId, 250);
    const r = await makeSurface(t).creditBalance(tenant.key);
    expect(r).toMatchObject({ status: 200, data: 250 });
  });

  // The CLI is another process: it can share the suite's database only when that is PostgreSQL.
  it.skipIf(!process.env.TEST_DATABASE_URL)('are added by the CLI', async () => {    const tenant = await t.tenant();
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '--silent', 'cli', '--', 'credits', 'add', '--workspace', tenant.workspaceId, '--amount', '500', '--json'],
      { cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL } },
    );
    expect(JSON.parse(stdout)).toEqual({ workspace: { id: tenant.workspaceId }, credit_balance: 500 });
  }, 60_000);
});
