import { addCredits } from '../credits.js';
import { parseInput } from '../validation.js';
import { asOperator, type OperatorCaller } from './access.js';
import { recordAudit } from './audit.js';
import { addCreditsInput, type AddCreditsInput } from './inputs.js';
import { describeWorkspace, requireWorkspace, type ManagedWorkspace } from './workspaces.js';

/** An operator's top-up, audited with the balance before and after. */
export async function grantCredits(caller: OperatorCaller, id: string, raw: AddCreditsInput | unknown): Promise<ManagedWorkspace> {
  const op = await asOperator(caller);
  const { amount } = parseInput(addCreditsInput, raw);
  const now = op.clock.now();
  await op.db.transaction(async (tx) => {
    await requireWorkspace(tx, id);
    const balance = await addCredits(tx, id, amount);
    await recordAudit(tx, {
      actor: op.actor,
      workspaceId: id,
      action: 'credits_added',
      before: { credit_balance: balance - amount },
      after: { credit_balance: balance },
      at: now,
    });
  });
  await op.flushLogs();
  return describeWorkspace(op, id, now);
}
