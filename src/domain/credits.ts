import { and, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { workspaces } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { ApiError, errors } from './errors.js';

export async function creditBalance(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db.select({ b: workspaces.creditBalance }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!row) throw errors.notFound('Workspace');
  return row.b;
}

/**
 * The largest balance a workspace may hold: GraphQL's Int carries it exactly, as JSON numbers
 * and the audit's before/after do, so no surface ever shows a rounded or failed balance.
 */
export const MAX_CREDIT_BALANCE = 2_147_483_647;

/** Operator top-up (CLI, operator API); refused whole if it would take the balance past the ceiling. */
export async function addCredits(db: Db, workspaceId: string, amount: number): Promise<number> {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_CREDIT_BALANCE) {
    throw errors.validation('amount', `must be a whole number from 1 to ${MAX_CREDIT_BALANCE}`);
  }
  const [row] = await db
    .update(workspaces)
    .set({ creditBalance: sql`${workspaces.creditBalance} + ${amount}` })
    .where(and(eq(workspaces.id, workspaceId), lte(workspaces.creditBalance, MAX_CREDIT_BALANCE - amount)))
    .returning({ b: workspaces.creditBalance });
  if (row) return row.b;
  const balance = await creditBalance(db, workspaceId);
  throw errors.validation(
    'amount',
    `would take the balance past ${MAX_CREDIT_BALANCE} credits: it is ${balance}, so at most ${MAX_CREDIT_BALANCE - balance} can be added`,
  );
}

/**
 * Takes `amount` credits in one conditional UPDATE: concurrent charges never take the balance
 * below zero, and a charge the balance cannot cover is refused (402) before any work is done.
 */
export async function chargeCredits(db: Db, workspaceId: string, amount: number): Promise<number> {
  const [row] = await db
    .update(workspaces)
    .set({ creditBalance: sql`${workspaces.creditBalance} - ${amount}` })
    .where(and(eq(workspaces.id, workspaceId), gte(workspaces.creditBalance, amount)))
    .returning({ b: workspaces.creditBalance });
  if (row) return row.b;
  throw await insufficientCredits(db, workspaceId, amount);
}

/**
 * chargeCredits' conditional UPDATE for a statement that works out its own amount (`amount`, an
 * SQL expression over its other parts) and pays it in the same statement, one round trip instead
 * of two: it returns the new balance as `balance`, and no row when the amount is 0 or the balance
 * cannot cover it (the caller then throws insufficientCredits, rolling its transaction back).
 */
export function chargeStatement(workspaceId: string, amount: SQL): SQL {
  return sql`update ${workspaces} set ${sql.identifier(workspaces.creditBalance.name)} = ${workspaces.creditBalance} - ${amount}
    where ${workspaces.id} = ${workspaceId} and ${amount} > 0 and ${workspaces.creditBalance} >= ${amount}
    returning ${workspaces.creditBalance} as balance`;
}

/** The 402 for a charge of `amount` that the balance cannot cover, naming both. */
export async function insufficientCredits(db: Db, workspaceId: string, amount: number): Promise<ApiError> {
  const balance = await creditBalance(db, workspaceId);
  return new ApiError('insufficient_credits', `Insufficient credits: this request costs ${amount} credits and the balance is ${balance}`);
}

export interface Charged<T> {
  value: T;
  creditsUsed: number;
}

/**
 * The one way an operation spends credits: charge first, then work; if the work fails the
 * charge is returned. The amount is recorded for the request log and the `credits_used` field.
 */
export async function withCredits<T>(ctx: ServiceContext, amount: number, work: () => Promise<T>): Promise<Charged<T>> {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`invalid credit amount ${amount}`);
  if (amount > 0) await chargeCredits(ctx.db, ctx.principal.workspaceId, amount);
  try {
    const value = await work();
    ctx.recordCredits(amount);
    return { value, creditsUsed: amount };
  } catch (err) {
    if (amount > 0) await addCredits(ctx.db, ctx.principal.workspaceId, amount);
    throw err;
  }
}

/**
 * Spending whose amount the work itself finds out (e.g. the rows a search newly unlocks): the
 * work runs in one transaction and calls `charge` for what it spends there, so a charge the
 * balance cannot cover (402) rolls back the work with it, and work that fails takes no credits.
 * The total is recorded once the transaction has committed.
 */
export async function withCreditsInTransaction<T>(
  ctx: ServiceContext,
  work: (tx: Db, charge: (amount: number) => Promise<void>, charged: (amount: number) => void) => Promise<T>,
): Promise<Charged<T>> {
  let spent = 0;
  const valid = (amount: number) => {
    if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`invalid credit amount ${amount}`);
  };
  const value = await ctx.db.transaction(async (tx) => {
    spent = 0;
    return work(
      tx,
      async (amount) => {
        valid(amount);
        if (amount > 0) await chargeCredits(tx, ctx.principal.workspaceId, amount);
        spent += amount;
      },
      // What the work's own statement took (chargeStatement) in this transaction.
      (amount) => {
        valid(amount);
        spent += amount;
      },
    );
  });
  ctx.recordCredits(spent);
  return { value, creditsUsed: spent };
}
