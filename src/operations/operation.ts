import type { z } from 'zod';
import type { LimitClass } from '../domain/limits/policy.js';
import type { Scope } from '../domain/scopes.js';

/** How an operation spends the workspace's credits. */
export type CreditCost = { kind: 'none' } | { kind: 'per_row'; perRow: number; free?: string };

export interface RestBinding {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Status of success; 200 when absent. */
  status?: number;
  /** Query parameters and what they mean. */
  query?: Record<string, string>;
}

/**
 * One operation, declared once: both surfaces are built from it, and the REST router and the
 * GraphQL gateway plugin enforce what it says (scope, limit class, Idempotency-Key, credits
 * reporting) so that handlers and resolvers hold no enforcement of their own.
 */
export interface Operation {
  /** The GraphQL field name, e.g. `createApiKey`; unique among operations. */
  name: string;
  kind: 'query' | 'mutation';
  summary: string;
  description?: string;
  examples?: { request?: unknown; response?: unknown };
  /** null: any valid key. */
  scope: Scope | null;
  limitClass: LimitClass;
  credits: CreditCost;
  /** Honours Idempotency-Key. */
  idempotent: boolean;
  /** The domain's input (camelCase; REST documents it in snake_case). */
  input?: z.ZodType;
  rest: RestBinding;
  /**
   * The GraphQL field as a schema coordinate, when it is not a root field of `kind` named
   * `name`: an operation on one object, e.g. `ApiKey.requestLogs`, is a field of that object.
   */
  graphql?: string;
}

export function defineOperation<const T extends Operation>(op: T): T {
  return op;
}

/** Where the operation is in the GraphQL schema: `Mutation.createApiKey`, `ApiKey.requestLogs`. */
export function graphqlCoordinate(op: Operation): string {
  return op.graphql ?? `${op.kind === 'query' ? 'Query' : 'Mutation'}.${op.name}`;
}

/** Stricter last: a request touching several operations is admitted in the strictest class. */
const CLASS_ORDER: readonly LimitClass[] = ['default', 'ai'];

export function strictestClass(ops: Iterable<Pick<Operation, 'limitClass'>>): LimitClass {
  let cls: LimitClass = 'default';
  for (const op of ops) if (CLASS_ORDER.indexOf(op.limitClass) > CLASS_ORDER.indexOf(cls)) cls = op.limitClass;
  return cls;
}

export const spendsCredits = (op: Pick<Operation, 'credits'>) => op.credits.kind !== 'none';
