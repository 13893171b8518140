import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { z } from 'zod';
import { graphqlCoordinate, type Operation } from '../../src/operations/index.js';

/**
 * The GraphQL field of each operation is written with Pothos, its REST route reads the
 * declaration's zod input and answers its output shape: these compare the two, so that neither
 * surface can drift from the declaration unseen.
 */

type Zod = z.ZodType;
type Shape = Record<string, Zod>;

/**
 * The schema under its optional, nullable, default and pipe wrappers. `X | X[]` is read as
 * `X[]`: GraphQL takes one value given for a list argument as a list of one, so its `[X]` is the
 * same input.
 */
function bare(s: Zod): Zod {
  for (;;) {
    const d = s._zod.def as { type: string; innerType?: Zod; in?: Zod; options?: Zod[] };
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else if (d.type === 'union' && d.options?.length === 2 && d.options[1] instanceof z.ZodArray) s = d.options[1];
    else return s;
  }
}

const objectShape = (s: Zod): Shape | undefined => {
  const b = bare(s);
  return b instanceof z.ZodObject ? (b.shape as Shape) : undefined;
};

/** The object a REST field holds, alone or many: in an array, or as a record's values (quota_usage). */
function nestedShape(s: Zod): Shape | undefined {
  const b = bare(s);
  if (b instanceof z.ZodArray) return objectShape(b.element as Zod);
  if (b instanceof z.ZodRecord) return objectShape(b.valueType as Zod);
  return objectShape(b);
}

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function fieldOf(schema: GraphQLSchema, op: Operation): GraphQLField<unknown, unknown> {
  const [typeName, name] = graphqlCoordinate(op).split('.') as [string, string];
  return (schema.getType(typeName) as GraphQLObjectType).getFields()[name]!;
}

const pathParams = (op: Operation) => [...op.rest.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
const requiredIn = (t: GraphQLInputType, defaultValue: unknown) => isNonNullType(t) && defaultValue === undefined;

/** A list on both sides or on neither; an enum's values the same on both. */
function leafDrift(declared: Zod, type: GraphQLInputType, at: string): string[] {
  const drift: string[] = [];
  if (declared instanceof z.ZodArray !== isListType(getNullableType(type))) drift.push(`${at}: a list on one surface only`);
  const named = getNamedType(type);
  if (declared instanceof z.ZodEnum) {
    const wanted = [...declared.options].map(String).sort();
    const has = isEnumType(named)
      ? named
          .getValues()
          .map((v) => String(v.value))
          .sort()
      : [];
    if (wanted.join() !== has.join())
      drift.push(`${at}: one of ${wanted.join(', ')} in the declaration, ${isEnumType(named) ? has.join(', ') : named.name} in GraphQL`);
  }
  return drift;
}

function inputDrift(declared: Zod, type: GraphQLInputObjectType, at: string): string[] {
  const shape = objectShape(declared) ?? {};
  const fields = type.getFields();
  const drift: string[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    const field = fields[name];
    if (!field) {
      drift.push(`${at}.${name}: declared, missing from ${type.name}`);
      continue;
    }
    const required = !schema.safeParse(undefined).success;
    if (required !== requiredIn(field.type, field.defaultValue)) {
      drift.push(`${at}.${name}: ${required ? 'required' : 'optional'} in the declaration, not in ${type.name}`);
    }
    drift.push(...leafDrift(bare(schema), field.type, `${at}.${name}`));
    if (!objectShape(schema)) continue;
    const nested = getNamedType(field.type);
    if (isInputObjectType(nested)) drift.push(...inputDrift(schema, nested, `${at}.${name}`));
    else drift.push(`${at}.${name}: an object in the declaration, ${nested.name} in GraphQL`);
  }
  for (const name of Object.keys(fields)) if (!(name in shape)) drift.push(`${at}.${name}: in ${type.name}, not declared`);
  return drift;
}

/**
 * A query's arguments where the declared input names them otherwise: a page is asked for as
 * Relay's `first`/`after`, and one filter object is `filter`.
 */
const QUERY_ARGUMENTS: Record<string, string> = { limit: 'first', cursor: 'after', filters: 'filter' };

/**
 * A mutation takes the ids of its REST path and, when it is declared with an input, one `input`
 * argument whose input object mirrors the zod schema at every depth (names and which are required).
 * A query declared with an input takes its fields as arguments (renamed as QUERY_ARGUMENTS says),
 * an input object argument mirroring its zod schema the same way.
 */
export function operationInputDrift(schema: GraphQLSchema, op: Operation): string[] {
  if (!op.input && op.kind !== 'mutation') return [];
  const field = fieldOf(schema, op);
  if (op.kind === 'query' && op.input) return queryInputDrift(field.args, op.input, op.name);
  const wanted = [...pathParams(op), ...(op.input ? ['input'] : [])].sort();
  const args = field.args.map((a) => a.name).sort();
  const drift = args.join() === wanted.join() ? [] : [`${op.name}: takes (${args.join(', ')}); its declaration wants (${wanted.join(', ')})`];
  const input = field.args.find((a) => a.name === 'input');
  if (op.input && input) {
    const type = getNamedType(input.type);
    if (isInputObjectType(type)) drift.push(...inputDrift(op.input, type, op.name));
    else drift.push(`${op.name}.input: ${type.name} is not an input object`);
  }
  return drift;
}

function queryInputDrift(args: readonly GraphQLArgument[], declared: Zod, at: string): string[] {
  const shape = objectShape(declared) ?? {};
  const wanted = Object.keys(shape)
    .map((k) => QUERY_ARGUMENTS[k] ?? k)
    .sort();
  const names = args.map((a) => a.name).sort();
  const drift = names.join() === wanted.join() ? [] : [`${at}: takes (${names.join(', ')}); its declaration wants (${wanted.join(', ')})`];
  for (const [key, schema] of Object.entries(shape)) {
    const arg = args.find((a) => a.name === (QUERY_ARGUMENTS[key] ?? key));
    const type = arg && getNamedType(arg.type);
    if (type && isInputObjectType(type)) drift.push(...inputDrift(schema, type, `${at}.${arg.name}`));
  }
  return drift;
}

/**
 * REST fields GraphQL deliberately does not have under the same name, as `GraphQLType.rest_field`,
 * with the reason. An entry that no longer matches anything fails the test: the list only shrinks.
 */
export const OUTPUT_DIFFERENCES: Record<string, string> = {
  'ApiKey.key': 'the secret is a field of the payload that issues it (secret), never of an ApiKey that other fields could reach',
  'RotateApiKeyPayload.previous': 'named previousApiKey, as payload fields name what they hold',
  'DeleteApiKeyPayload.id': "named deletedApiKeyId, Relay's name for the id of a deleted node",
  'DeleteApiKeyPayload.deleted': 'an answer without errors is the confirmation; the payload names what was deleted',
  'RequestLog.key_id': 'named apiKeyId, as the filter argument and the ApiKey type are',
  'OperatorAuditEntry.workspace_id': 'the audit is reached only through OperatorWorkspace.audit: its parent is the workspace',
};

/**
 * Where the REST shape's fields are in GraphQL: each under its camelCase name, or, for `x_id`,
 * as the object `x` itself (GraphQL links what REST names by id); nested objects compared too.
 */
function outputDrift(shape: Shape, type: GraphQLObjectType, allowed: Set<string>, payload?: GraphQLObjectType): string[] {
  const fields = { ...payload?.getFields(), ...type.getFields() };
  const drift: string[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const where = `${type.name}.${key}`;
    if (where in OUTPUT_DIFFERENCES) {
      allowed.add(where);
      continue;
    }
    const linked = key.endsWith('_id') ? fields[camel(key.slice(0, -3))] : undefined;
    const field = fields[camel(key)] ?? (linked && isObjectType(getNamedType(linked.type)) ? linked : undefined);
    if (!field) {
      drift.push(`${where}: in the declared REST output, not in GraphQL`);
      continue;
    }
    const nested = nestedShape(schema);
    const named = getNamedType(field.type);
    if (nested && isObjectType(named)) drift.push(...outputDrift(nested, named, allowed));
  }
  return drift;
}

/** The entity a field yields: a connection's node, a payload's first object (with the payload), or the type itself. */
function graphqlEntity(field: GraphQLField<unknown, unknown>): { entity: GraphQLObjectType; payload?: GraphQLObjectType } {
  const type = getNamedType(field.type) as GraphQLObjectType;
  const fields = type.getFields();
  if (fields.edges && fields.pageInfo) {
    return { entity: getNamedType((getNamedType(fields.edges.type) as GraphQLObjectType).getFields().node!.type) as GraphQLObjectType };
  }
  if (!type.name.endsWith('Payload')) return { entity: type };
  const inner = Object.values(fields).find((f) => isObjectType(getNamedType(f.type)));
  return { entity: inner ? (getNamedType(inner.type) as GraphQLObjectType) : type, payload: type };
}

/** REST's `{data, …}`: the entity (one, or a page's rows) against the GraphQL entity, anything beside it against the payload. */
export function operationOutputDrift(schema: GraphQLSchema, op: Operation, allowed = new Set<string>()): string[] {
  const { data, has_more: _more, next_cursor: _cursor, ...beside } = objectShape(op.output) ?? {};
  const { entity, payload } = graphqlEntity(fieldOf(schema, op));
  return [
    ...(data ? outputDrift(nestedShape(data) ?? {}, entity, allowed, payload) : [`${op.name}: its REST output has no data`]),
    ...(payload ? outputDrift(beside, payload, allowed) : Object.keys(beside).map((k) => `${op.name}.${k}: beside data in REST, nowhere in GraphQL`)),
  ];
}
