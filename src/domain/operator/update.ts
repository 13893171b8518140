import { workspaces } from '../../db/schema.js';
import { eq } from 'drizzle-orm';
import { errors } from '../errors.js';
import { parseInput } from '../validation.js';
import { resolvePlan } from '../workspaces.js';
import { asOperator, type OperatorCaller } from './access.js';
import { recordAudit } from './audit.js';
import { updateWorkspaceInput, type UpdateWorkspaceInput } from './inputs.js';
import { describeWorkspace, requireWorkspace, type ManagedWorkspace } from './workspaces.js';

/**
 * Renames a workspace or moves it to another plan. The new plan's limits hold for its keys at
 * once: their cached principals carry the plan, and are dropped on every instance.
 */
export async function updateWorkspace(caller: OperatorCaller, id: string, raw: UpdateWorkspaceInput | unknown): Promise<ManagedWorkspace> {
  const op = await asOperator(caller);
  const input = parseInput(updateWorkspaceInput, raw);
  if (input.name === undefined && input.plan === undefined) throw errors.validation('name', 'or plan is required: give at least one');
  const plan = input.plan === undefined ? undefined : await resolvePlan(op.lookup, input.plan);
  const now = op.clock.now();
  const changed = await op.db.transaction(async (tx) => {
    const row = await requireWorkspace(tx, id, true);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    if (input.name !== undefined && input.name !== row.name) [before.name, after.name] = [row.name, input.name];
    if (plan && plan.id !== row.planId) [before.plan, after.plan] = [row.planId, plan.id];
    if (Object.keys(after).length === 0) return false;
    await tx
      .update(workspaces)
      .set({ name: (after.name as string | undefined) ?? row.name, planId: (after.plan as string | undefined) ?? row.planId })
      .where(eq(workspaces.id, id));
    await recordAudit(tx, { actor: op.actor, workspaceId: id, action: 'workspace_updated', before, after, at: now });
    return true;
  });
  if (changed) await op.workspaceChanged(id);
  await op.flushLogs();
  return describeWorkspace(op, id, now);
}
