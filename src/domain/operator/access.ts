import type { Db } from '../../db/client.js';
import type { Clock } from '../clock.js';
import { eq } from 'drizzle-orm';
import { workspaces } from '../../db/schema.js';
import { planOf, requireScope, type ServiceContext, type ServiceDeps, type WorkspaceLookup } from '../context.js';
import { ApiError, errors } from '../errors.js';
import { OPERATOR_PLAN_ID, OPERATOR_SCOPE } from '../scopes.js';

/** The command line: whoever can run it owns the database, so it needs no key. Audited as "cli". */
export interface CliOperator {
  kind: 'cli';
  db: Db;
  clock: Clock;
  /** Plans and workspaces: the serving app's directory, or one of the CLI's own process. */
  lookup: WorkspaceLookup;
  /** Drops the workspace from every instance's caches (the CLI may run in a process of its own). */
  workspaceChanged(workspaceId: string): Promise<void>;
  /** Makes request logs still queued in this process visible (the server running the CLI's command). */
  flushLogs?(): Promise<void>;
}

/** Who may manage workspaces: a request's key holding admin:operator, or the CLI. */
export type OperatorCaller = ServiceContext | CliOperator;

/** What an operator function works with once the caller passed the checks. */
export type Operator = Pick<ServiceDeps, 'db' | 'clock' | 'lookup' | 'workspaceChanged' | 'flushLogs'> & {
  /** The audit's actor: the operator key's id, or "cli". */
  actor: string;
};

export const CLI_ACTOR = 'cli';

/**
 * The gate of every operator function. A key needs admin:operator, and its workspace must be on
 * the Admin plan now: a workspace moved off the plan keeps its keys' permission lists, not the
 * power. The plan is read from the database, not the directory: if the announcement of the move
 * were lost, the cached workspace would keep the power for up to its TTL.
 */
export async function asOperator(caller: OperatorCaller): Promise<Operator> {
  if (!('principal' in caller)) {
    return {
      db: caller.db,
      clock: caller.clock,
      lookup: caller.lookup,
      actor: CLI_ACTOR,
      workspaceChanged: (id) => caller.workspaceChanged(id),
      flushLogs: () => caller.flushLogs?.() ?? Promise.resolve(),
    };
  }
  requireScope(caller, OPERATOR_SCOPE);
  const [own] = await caller.db.select({ planId: workspaces.planId }).from(workspaces).where(eq(workspaces.id, caller.principal.workspaceId));
  if (!own) throw errors.notFound('Workspace');
  const plan = await planOf(caller.lookup, own);
  if (plan.id !== OPERATOR_PLAN_ID) {
    throw new ApiError(
      'insufficient_permissions',
      `${OPERATOR_SCOPE} works only for keys of a workspace on the Admin plan; this key's workspace is on the ${plan.name} plan`,
    );
  }
  return {
    db: caller.db,
    clock: caller.clock,
    lookup: caller.lookup,
    actor: caller.principal.keyId,
    workspaceChanged: (id) => caller.workspaceChanged(id),
    flushLogs: () => caller.flushLogs(),
  };
}
