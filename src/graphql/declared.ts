import type { ObjectParam } from '@pothos/core';
import { graphqlCoordinate, operationFacts, type Operation } from '../operations/index.js';
import { builder } from './builder.js';

/**
 * The one way a GraphQL field becomes an operation: these helpers name the field after its
 * declaration's schema coordinate and hand the field's options a `declared` part (the
 * description built from the declaration, and an `operation` extension naming it) to spread in.
 * test/operations.test.ts checks that every declaration's field carries both.
 */
export interface Declared {
  description: string;
  extensions: { operation: string };
}

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** What the field says of itself: the declaration's summary and description, its facts, and its REST twin. */
export function operationDescription(op: Operation): string {
  const errors = op.errors?.length ? [`**Errors beyond the common ones:** ${op.errors.map((c) => `\`${c}\``).join(', ')}`] : [];
  return [op.summary, op.description, [...operationFacts(op), ...errors, `**REST:** \`${op.rest.method} ${op.rest.path}\``].join('  \n')]
    .filter(Boolean)
    .join('\n\n');
}

const declared = (op: Operation): Declared => ({ description: operationDescription(op), extensions: { operation: op.name } });

/** The field's name on `type`, from the declaration; a declaration that puts it elsewhere is a mistake in the schema's code. */
function fieldName(op: Operation, type: string): string {
  const [declaredType, field] = graphqlCoordinate(op).split('.') as [string, string];
  if (declaredType !== type) throw new Error(`${op.name} is declared at ${graphqlCoordinate(op)}, not on ${type}`);
  return field;
}

type QueryThunk = Parameters<typeof builder.queryField>[1];
type MutationThunk = Parameters<typeof builder.mutationField>[1];

/** The root field of a declared query or mutation. */
export function rootOperation(op: Operation & { kind: 'query' }, field: (t: Parameters<QueryThunk>[0], declared: Declared) => ReturnType<QueryThunk>): void;
export function rootOperation(
  op: Operation & { kind: 'mutation' },
  field: (t: Parameters<MutationThunk>[0], declared: Declared) => ReturnType<MutationThunk>,
): void;
export function rootOperation(op: Operation, field: (t: never, declared: Declared) => ReturnType<QueryThunk>): void {
  if (op.kind === 'query') builder.queryField(fieldName(op, 'Query'), (t) => field(t as never, declared(op)));
  else builder.mutationField(fieldName(op, 'Mutation'), (t) => field(t as never, declared(op)));
}

/** The field of a declared operation on one object, e.g. `ApiKey.requestLogs`. */
export function objectOperation<Param extends ObjectParam<Types>>(
  ref: Param & { name: string },
  op: Operation,
  field: (
    t: Parameters<Parameters<typeof builder.objectField<Param>>[2]>[0],
    declared: Declared,
  ) => ReturnType<Parameters<typeof builder.objectField<Param>>[2]>,
): void {
  builder.objectField(ref, fieldName(op, ref.name), (t) => field(t, declared(op)));
}
