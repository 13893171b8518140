import { and, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sqlError } from '../db/errors.js';
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

/** The SQLSTATE of pay_or_fail (a database function): a statement owed credits that the balance could not cover. */
const UNPAID = 'WC402';

/**
 * For one statement that works out what it owes and pays it, atomic without a transaction:
 * `charge` is chargeCredits' conditional UPDATE for the amount `owed` (an SQL expression over the
 * statement's other parts), to run as a CTE that returns the new balance (no row when nothing is
 * owed or the balance cannot cover it); `settle(cte)` is the expression of the statement's answer
 * that fails the whole statement, undoing all it did, when that CTE paid nothing for a debt.
 */
export function payInStatement(workspaceId: string, owed: SQL): { charge: SQL; settle: (chargeCte: string) => SQL } {
  return {
    charge: sql`update ${workspaces} set ${sql.identifier(workspaces.creditBalance.name)} = ${workspaces.creditBalance} - ${owed}
      where ${workspaces.id} = ${workspaceId} and ${owed} > 0 and ${workspaces.creditBalance} >= ${owed}
      returning ${workspaces.creditBalance}`,
    settle: (chargeCte) => sql`pay_or_fail(${owed}, exists (select 1 from ${sql.identifier(chargeCte)}))`,
  };
}

/**
 * Runs a statement built with payInStatement, and answers 402 when it could not pay: what it owed
 * comes from the failure, the balance is read then.
 */
export async function paidInStatement<T>(db: Db, workspaceId: string, statement: Promise<T>): Promise<T> {
  try {
    return await statement;
  } catch (err) {
    const unpaid = sqlError(err, UNPAID);
    if (!unpaid) throw err;
    throw await insufficientCredits(db, workspaceId, Number(unpaid.detail));
  }
}

/** The 402 for a charge of `amount` that the balance cannot cover, naming both. */
async function insufficientCredits(db: Db, workspaceId: string, amount: number): Promise<ApiError> {
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
 * Spending that one statement of the work finds out and pays (payInStatement, paidInStatement):
 * the work reports that statement's amount through `charged`, which the request log records.
 * No transaction: the statement is atomic, and a work that fails after it has paid for what it
 * made (rows unlocked, say) keeps both; the request log records the credits either way.
 */
export async function withCreditsInStatement<T>(ctx: ServiceContext, work: (charged: (amount: number) => void) => Promise<T>): Promise<Charged<T>> {
  let spent = 0;
  try {
    const value = await work((amount) => {
      validAmount(amount);
      spent += amount;
    });
    return { value, creditsUsed: spent };
  } finally {
    // Taken is taken: the request log records it even when the work failed afterwards.
    ctx.recordCredits(spent);
  }
}

function validAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`invalid credit amount ${amount}`);
}
