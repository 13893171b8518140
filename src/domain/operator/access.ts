import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { workspaces } from '../../db/schema.js';
import type { Clock } from '../clock.js';
import { requireScope, type ServiceContext } from '../context.js';
import { ApiError } from '../errors.js';
import { OPERATOR_PLAN_ID, OPERATOR_SCOPE } from '../scopes.js';
import { getPlan } from '../workspaces.js';

/** The command line: whoever can run it owns the database, so it needs no key. Audited as "cli". */
export interface CliOperator {
  kind: 'cli';
  db: Db;
  clock: Clock;
  /** Drops the workspace from every instance's caches (the CLI may run in a process of its own). */
  workspaceChanged(workspaceId: string): Promise<void>;
  /** Makes request logs still queued in this process visible (the server running the CLI's command). */
  flushLogs?(): Promise<void>;
}

/** Who may manage workspaces: a request's key holding admin:operator, or the CLI. */
export type OperatorCaller = ServiceContext | CliOperator;

/** What an operator function works with once the caller passed the checks. */
export interface Operator {
  db: Db;
  clock: Clock;
  /** The audit's actor: the operator key's id, or "cli". */
  actor: string;
  workspaceChanged(workspaceId: string): Promise<void>;
  flushLogs(): Promise<void>;
}

export const CLI_ACTOR = 'cli';

/**
 * The gate of every operator function. A key needs admin:operator, and its workspace must be on
 * the Admin plan now (read fresh: a workspace moved off the plan keeps its keys' permission
 * lists, not the power).
 */
export async function asOperator(caller: OperatorCaller): Promise<Operator> {
  if (!('principal' in caller)) {
    return {
      db: caller.db,
      clock: caller.clock,
      actor: CLI_ACTOR,
      workspaceChanged: (id) => caller.workspaceChanged(id),
      flushLogs: () => caller.flushLogs?.() ?? Promise.resolve(),
    };
  }
  requireScope(caller, OPERATOR_SCOPE);
  const [own] = await caller.db.select({ planId: workspaces.planId }).from(workspaces).where(eq(workspaces.id, caller.principal.workspaceId));
  if (own?.planId !== OPERATOR_PLAN_ID) {
    const plan = own ? ((await getPlan(caller.db, own.planId))?.name ?? own.planId) : 'no';
    throw new ApiError(
      'insufficient_permissions',
      `${OPERATOR_SCOPE} works only for keys of a workspace on the Admin plan; this key's workspace is on the ${plan} plan`,
    );
  }
  return {
    db: caller.db,
    clock: caller.clock,
    actor: caller.principal.keyId,
    workspaceChanged: (id) => caller.workspaceChanged(id),
    flushLogs: () => caller.flushLogs(),
  };
}
