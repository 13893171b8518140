import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  extendSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCOPES, type Scope } from '../src/domain/scopes.js';
import { operationDescription } from '../src/graphql/declared.js';
import { NOT_OPERATIONS, undeclaredOperationFields } from '../src/graphql/operations.js';
import { schema } from '../src/graphql/schema.js';
import { graphqlCoordinate, OPERATIONS, OPERATIONS_BY_FIELD, type Operation } from '../src/operations/index.js';
import { REST_ROUTES } from '../src/rest/router.js';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';

/** Well formed and of no workspace: operations answer not_found or validation_error, never a permission refusal. */
const DUMMY_ID = 'key_01JAAAAAAAAAAAAAAAAAAAAAAA';

describe('every operation is declared once and on both surfaces', () => {
  it('names each declaration once', () => {
    const names = OPERATIONS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every REST route a declaration, and every declaration exactly one route at its method and path', () => {
    for (const r of REST_ROUTES) {
      expect(r.path, `${r.method} ${r.path}`).toMatch(/^\/v1\//);
      expect(r.operation, `${r.method} ${r.path} has no declaration`).toBeDefined();
      expect([r.method, r.path]).toEqual([r.operation.rest.method, r.operation.rest.path]);
    }
    const routed = REST_ROUTES.map((r) => r.operation.name).sort();
    expect(routed).toEqual(OPERATIONS.map((o) => o.name).sort());
  });

  it('gives every operation field a declaration, at the root and nested alike, but for the Relay lookups', () => {
    expect(undeclaredOperationFields(schema)).toEqual([]);
    const query = schema.getQueryType()!.getFields();
    for (const c of Object.keys(NOT_OPERATIONS)) expect(query[c.split('.')[1]!], c).toBeDefined();
  });

  it('reports an undeclared operation field wherever it is added', () => {
    const extended = extendSchema(
      schema,
      parse(`
        extend type Query { ping: Boolean }
        extend type ApiKey { secrets(first: Int): [String!]! siblings: [ApiKey!]! owner: Workspace }
        extend type Workspace { members: ApiKeyRequestLogsConnection! }
        extend type OperatorWorkspace { note: String }
      `),
    );
    // Data of the object (one value, no arguments) is no operation: `ApiKey.owner` and `OperatorWorkspace.note` are not reported.
    expect(undeclaredOperationFields(extended)).toEqual(['ApiKey.secrets', 'ApiKey.siblings', 'Query.ping', 'Workspace.members']);
    // A nested field that is an operation is reported as soon as its declaration is missing.
    expect(undeclaredOperationFields(schema, (c) => OPERATIONS_BY_FIELD.has(c) && c !== 'OperatorWorkspace.audit')).toEqual(['OperatorWorkspace.audit']);
  });

  it('gives every declaration its GraphQL field, of its kind', () => {
    for (const op of OPERATIONS) {
      const [typeName, field] = graphqlCoordinate(op).split('.') as [string, string];
      const type = schema.getType(typeName);
      expect(isObjectType(type) && type.getFields()[field], `${op.name}: no GraphQL field ${graphqlCoordinate(op)}`).toBeTruthy();
      if (op.kind === 'mutation') expect(typeName).toBe('Mutation');
      else expect(typeName).not.toBe('Mutation');
    }
  });

  it('builds each declared field from its declaration: its description, and the one tie to it', () => {
    const tied = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) => Object.values(type.getFields()).flatMap((f) => (f.extensions.operation ? [[`${type.name}.${f.name}`, f.extensions.operation]] : [])));
    expect(Object.fromEntries(tied)).toEqual(Object.fromEntries(OPERATIONS.map((op) => [graphqlCoordinate(op), op.name])));
    for (const op of OPERATIONS) {
      const [typeName, field] = graphqlCoordinate(op).split('.') as [string, string];
      const description = (schema.getType(typeName) as GraphQLObjectType).getFields()[field]!.description;
      expect(description, op.name).toBe(operationDescription(op));
      expect(description).toContain(op.summary);
      expect(description).toContain(op.scope ? `**Scope:** \`${op.scope}\`` : '**Scope:** none');
      expect(description).toContain(`**Limit class:** \`${op.limitClass}\``);
      expect(description).toContain('**Credits:**');
    }
  });
});

/** A literal of `type` the server parses: required fields only, lists empty. */
function dummyLiteral(type: GraphQLInputType): string {
  if (isNonNullType(type)) return dummyLiteral(type.ofType);
  if (isListType(type)) return '[]';
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return `{ ${fields.map((f) => `${f.name}: ${dummyLiteral(f.type)}`).join(', ')} }`;
  }
  if (isEnumType(type)) return type.getValues()[0]!.name;
  const scalars: Record<string, string> = {
    ID: `"${DUMMY_ID}"`,
    String: '"x"',
    Int: '1',
    Float: '2',
    Boolean: 'false',
    DateTime: '"2099-01-01T00:00:00Z"',
    JSONObject: '{}',
  };
  return scalars[type.name]!;
}

function call(field: GraphQLField<unknown, unknown>): string {
  const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  return args.length ? `${field.name}(${args.map((a) => `${a.name}: ${dummyLiteral(a.type)}`).join(', ')})` : field.name;
}

/** The shortest chain of fields from Query to an object of `target`. */
function pathTo(target: string): { parent: GraphQLObjectType; field: GraphQLField<unknown, unknown> }[] {
  const root = schema.getQueryType()!;
  const paths = new Map<string, { parent: GraphQLObjectType; field: GraphQLField<unknown, unknown> }[]>([[root.name, []]]);
  const queue: GraphQLObjectType[] = [root];
  while (queue.length) {
    const type = queue.shift()!;
    if (type.name === target) return paths.get(type.name)!;
    for (const field of Object.values(type.getFields())) {
      const next = getNamedType(field.type);
      if (!isObjectType(next) || paths.has(next.name)) continue;
      paths.set(next.name, [...paths.get(type.name)!, { parent: type, field }]);
      queue.push(next);
    }
  }
  throw new Error(`No path from Query to ${target}`);
}

/** A document selecting the operation's field (through the fields leading to it), and the scopes those fields need. */
function graphqlCall(op: Operation): { document: TypedDocumentNode<unknown, Record<string, never>>; pathScopes: Scope[] } {
  const [typeName, fieldName] = graphqlCoordinate(op).split('.') as [string, string];
  const parent = schema.getType(typeName) as GraphQLObjectType;
  const field = parent.getFields()[fieldName]!;
  const path = typeName === 'Query' || typeName === 'Mutation' ? [] : pathTo(typeName);
  const leaf = `${call(field)}${isLeafType(getNamedType(field.type)) ? '' : ' { __typename }'}`;
  const selection = path.reduceRight((inner, step) => `${call(step.field)} { ${inner} }`, leaf);
  const pathScopes = path.flatMap((s) => OPERATIONS_BY_FIELD.get(`${s.parent.name}.${s.field.name}`)?.scope ?? []);
  return { document: parse(`${op.kind} { ${selection} }`) as TypedDocumentNode<unknown, Record<string, never>>, pathScopes };
}

const t = serverForFile();
let operatorTenant: Tenant;
beforeAll(async () => {
  // The Admin plan's workspace: every scope, admin:operator included, may be granted in it.
  operatorTenant = await t.tenant({ plan: 'admin', name: 'Operation contracts' });
});

async function keyWith(name: string, permissions: readonly string[]): Promise<string> {
  const r = await t.rest('POST', '/v1/api-keys', {
    key: operatorTenant.key,
    body: { name, permissions: permissions.length ? permissions : ['read:contacts'] },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.data.key as string;
}

const restPath = (op: Operation) => op.rest.path.replace(/:\w+/g, DUMMY_ID);
const restBody = (op: Operation) => (op.rest.method === 'GET' || op.rest.method === 'DELETE' ? undefined : {});

describe.each(OPERATIONS.map((op) => [op.name, op] as const))('%s enforces its declared scope on both surfaces', (name, op) => {
  const gql = graphqlCall(op);

  it.runIf(op.scope !== null)('refuses a key lacking it: 403 insufficient_permissions over REST, the same code over GraphQL', async () => {
    const key = await keyWith(
      `${name} without`,
      SCOPES.filter((s) => s !== op.scope),
    );
    const rest = await t.rest(op.rest.method, restPath(op), { key, body: restBody(op) });
    expect(rest.status).toBe(403);
    expect(rest.body.error).toEqual({ code: 'insufficient_permissions', message: `Missing required permission: ${op.scope}` });
    const graphql = await t.gql(gql.document, {}, { key });
    expect(graphql.body.data ?? null).toBeNull();
    expect(graphql.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['insufficient_permissions', `Missing required permission: ${op.scope}`],
    ]);
  });

  it('does not refuse a key holding just it (and what the fields leading to it need)', async () => {
    const key = await keyWith(`${name} with`, [...new Set([...(op.scope ? [op.scope] : []), ...gql.pathScopes])]);
    const rest = await t.rest(op.rest.method, restPath(op), { key, body: restBody(op) });
    expect(rest.status, JSON.stringify(rest.body)).not.toBe(403);
    const graphql = await t.gql(gql.document, {}, { key });
    expect(graphql.body.errors?.filter((e) => e.extensions?.code === 'insufficient_permissions') ?? []).toEqual([]);
  });
});
