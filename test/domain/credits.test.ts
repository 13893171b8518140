import { addCredits, creditBalance, MAX_CREDIT_BALANCE, withCredits } from '../../src/domain/credits.js';
import { ApiError } from '../../src/domain/errors.js';
import { describe, expect, test } from '../support/fixture.js';

describe('credits', () => {
  test('charge before the work, record credits_used, and never go below zero', async ({ domain }) => {
    const { workspace, admin } = await domain.workspace();
    await addCredits(domain.db, workspace.id, 120);
    const ctx = admin.ctx();
    const out = await withCredits(ctx, 50, async () => 'rows');
    expect(out).toEqual({ value: 'rows', creditsUsed: 50 });
    expect(ctx.recorded.credits).toBe(50);
    expect(await creditBalance(domain.db, workspace.id)).toBe(70);

    let ran = false;
    const refused = await withCredits(ctx, 71, async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      code: 'insufficient_credits',
      status: 402,
      message: 'Insufficient credits: this request costs 71 credits and the balance is 70',
    });
    expect(ran).toBe(false);
    expect(await creditBalance(domain.db, workspace.id)).toBe(70);
  });

  test('give the credits back when the work fails', async ({ domain }) => {
    const { workspace, admin } = await domain.workspace();
    await addCredits(domain.db, workspace.id, 10);
    const ctx = admin.ctx();
    await expect(withCredits(ctx, 4, async () => Promise.reject(new Error('search backend down')))).rejects.toThrow('search backend down');
    expect(await creditBalance(domain.db, workspace.id)).toBe(10);
    expect(ctx.recorded.credits).toBe(0);
  });

  test('admit exactly what the balance covers when 100 charges race', async ({ domain }) => {
    const { workspace, admin } = await domain.workspace();
    await addCredits(domain.db, workspace.id, 37);
    const ctx = admin.ctx();
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => withCredits(ctx, 1, async () => 1)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(37);
    expect(results.filter((r) => r.status === 'rejected' && (r.reason as ApiError).code === 'insufficient_credits')).toHaveLength(63);
    expect(await creditBalance(domain.db, workspace.id)).toBe(0);
  });

  test('a free operation spends nothing and records 0', async ({ domain }) => {
    const { workspace, admin } = await domain.workspace({ credits: 5 });
    const ctx = admin.ctx();
    expect(await withCredits(ctx, 0, async () => 'free')).toEqual({ value: 'free', creditsUsed: 0 });
    expect(ctx.recorded.credits).toBe(0);
    expect(await creditBalance(domain.db, workspace.id)).toBe(5);
  });

  test('a top-up is a whole number, refused whole past the ceiling, and needs a workspace that exists', async ({ domain }) => {
    const { workspace } = await domain.workspace();
    const amountProblem = `amount must be a whole number from 1 to ${MAX_CREDIT_BALANCE}`;
    for (const amount of [0, -5, 1.5, MAX_CREDIT_BALANCE + 1]) {
      await expect(addCredits(domain.db, workspace.id, amount)).rejects.toMatchObject({ code: 'validation_error', message: amountProblem });
    }
    expect(await addCredits(domain.db, workspace.id, MAX_CREDIT_BALANCE - 10)).toBe(MAX_CREDIT_BALANCE - 10);
    await expect(addCredits(domain.db, workspace.id, 11)).rejects.toMatchObject({
      code: 'validation_error',
      message: `amount would take the balance past ${MAX_CREDIT_BALANCE} credits: it is ${MAX_CREDIT_BALANCE - 10}, so at most 10 can be added`,
    });
    expect(await creditBalance(domain.db, workspace.id)).toBe(MAX_CREDIT_BALANCE - 10);
    await expect(addCredits(domain.db, 'ws_01J00000000000000000000000', 5)).rejects.toMatchObject({ code: 'not_found', message: 'Workspace not found' });
  });
});
