import { eq } from 'drizzle-orm';
import { workspaces } from '../../db/schema.js';
import { errors } from '../errors.js';
import { overrideColumns, overrideOf, type LimitOverride } from '../limits/override.js';
import { DAY_MS } from '../limits/policy.js';
import { parseInput } from '../validation.js';
import { asOperator, type OperatorCaller } from './access.js';
import { overrideRecord, recordAudit } from './audit.js';
import { limitOverrideInput, MAX_OVERRIDE_DAYS, type LimitOverrideInput } from './inputs.js';
import { describeWorkspace, requireWorkspace, type ManagedWorkspace } from './workspaces.js';

const iso = (t: number) => new Date(t).toISOString();

/** Reads an override request: a multiplier or explicit numbers (not both, at least one), and an expiry within the bound. */
export function parseOverride(raw: LimitOverrideInput | unknown, now: number): LimitOverride {
  const input = parseInput(limitOverrideInput, raw);
  const explicit = [input.requestsPerSecond, input.requestsPerMinute, input.requestsPerDay, input.aiRequestsPerMinute].some((n) => n !== undefined);
  if (input.multiplier !== undefined && explicit) {
    throw errors.validation('multiplier', 'cannot be combined with explicit limits: give a multiplier or explicit numbers, not both');
  }
  if (input.multiplier === undefined && !explicit) {
    throw errors.validation('multiplier', 'or at least one explicit limit (requests per second, per minute, per day, AI requests per minute) is required');
  }
  const ends = input.expiresAt.getTime();
  if (ends <= now) throw errors.validation('expiresAt', `must be in the future (it is now ${iso(now)})`);
  const latest = now + MAX_OVERRIDE_DAYS * DAY_MS;
  if (ends > latest) throw errors.validation('expiresAt', `must be at most ${MAX_OVERRIDE_DAYS} days ahead, by ${iso(latest)}`);
  return {
    multiplier: input.multiplier ?? null,
    requestsPerSecond: input.requestsPerSecond ?? null,
    requestsPerMinute: input.requestsPerMinute ?? null,
    requestsPerDay: input.requestsPerDay ?? null,
    aiRequestsPerMinute: input.aiRequestsPerMinute ?? null,
    expiresAt: input.expiresAt,
    reason: input.reason || null,
  };
}

async function writeOverride(caller: OperatorCaller, id: string, next: (now: number) => LimitOverride | null): Promise<ManagedWorkspace> {
  const op = await asOperator(caller);
  const now = op.clock.now();
  const override = next(now);
  const changed = await op.db.transaction(async (tx) => {
    const row = await requireWorkspace(tx, id, true);
    const previous = overrideOf(row);
    if (!override && !previous) return false;
    await tx.update(workspaces).set(overrideColumns(override)).where(eq(workspaces.id, id));
    await recordAudit(tx, {
      actor: op.actor,
      workspaceId: id,
      action: override ? 'override_set' : 'override_cleared',
      before: { override: overrideRecord(previous) },
      after: { override: overrideRecord(override) },
      at: now,
    });
    return true;
  });
  if (changed) await op.workspaceChanged(id);
  await op.flushLogs();
  return describeWorkspace(op, id, now);
}

/**
 * Lifts (or sets) a workspace's limits until `expiresAt`, replacing any override it had. No job
 * ends it: past its expiry the plan's limits apply by themselves (limits/override.ts).
 */
export function setLimitOverride(caller: OperatorCaller, id: string, raw: LimitOverrideInput | unknown): Promise<ManagedWorkspace> {
  return writeOverride(caller, id, (now) => parseOverride(raw, now));
}

/** Ends an override before its expiry (an expired one is cleared too, for a tidy record). */
export function clearLimitOverride(caller: OperatorCaller, id: string): Promise<ManagedWorkspace> {
  return writeOverride(caller, id, () => null);
}
