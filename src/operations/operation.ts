import type { z } from 'zod';
import type { ErrorCode } from '../domain/errors.js';
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
  /** One line, true of both surfaces (field names differ in case: name none). */
  summary: string;
  description?: string;
  /** `request`: a REST body, in snake_case, that the operation accepts (test/api-docs.test.ts sends it). */
  examples?: { request?: unknown };
  /** null: any valid key. */
  scope: Scope | null;
  limitClass: LimitClass;
  credits: CreditCost;
  /**
   * Answers `credits_used` (REST) and `extensions.credits_used` (GraphQL) although it spends
   * none: a free count beside paid searches says it cost 0, as every search answer says its cost.
   */
  reportsCredits?: boolean;
  /** Honours Idempotency-Key. */
  idempotent: boolean;
  /** The domain's input (camelCase; REST documents it in snake_case). */
  input?: z.ZodType;
  /** REST's body of success (snake_case), built from src/operations/shapes.ts. */
  output: z.ZodType;
  /**
   * Codes the operation can answer beyond those every operation of its kind can (authentication,
   * limits, its scope, validation and not_found where it takes input or an id, idempotency).
   */
  errors?: readonly ErrorCode[];
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

/** Whether the answer says what the call spent: every operation that spends credits, and those declared to report it. */
export const reportsCredits = (op: Pick<Operation, 'credits' | 'reportsCredits'>) => spendsCredits(op) || op.reportsCredits === true;

/** What an operation costs, in the words both references use. */
export function creditText(c: CreditCost): string {
  if (c.kind === 'none') return 'Free: spends no credits.';
  return `${c.perRow} credit${c.perRow === 1 ? '' : 's'} per row returned${c.free ? ` (free: ${c.free})` : ''}; refused with \`insufficient_credits\` when the balance cannot cover it.`;
}

/** The facts both references state of every operation, a Markdown line each. */
export function operationFacts(op: Pick<Operation, 'scope' | 'credits' | 'limitClass' | 'idempotent'>): string[] {
  return [
    `**Scope:** ${op.scope ? `\`${op.scope}\`` : 'none: any valid key'}`,
    `**Credits:** ${creditText(op.credits)}`,
    `**Limit class:** \`${op.limitClass}\``,
    ...(op.idempotent ? ['**Idempotency-Key:** honoured'] : []),
  ];
}
