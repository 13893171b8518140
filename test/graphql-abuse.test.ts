import { buildSchema, getOperationAST, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { operationCost } from '../src/graphql/cost.js';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';

const t = serverForFile();
let tenant: Tenant;
beforeAll(async () => {
  tenant = await t.tenant({ plan: 'enterprise' });
});

async function post(body: unknown, key = tenant.key) {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: Record<string, any> },
  };
}

describe('GraphQL abuse limits', () => {
  it('reports each operation’s cost and counts a costly one as more requests', async () => {
    const cheap = await post({ query: '{ viewer { id } }' });
    expect(cheap.body.extensions?.cost).toEqual({ nodes: 0, points: 1 });
    const dayLeft = Number(cheap.headers.get('x-ratelimit-remaining'));

    const nested = `{ apiKeys(first: 100) { edges { node { id requestLogs(first: 100) { edges { node { id } } } } } } }`;
    const costly = await post({ query: nested });
    expect(costly.status).toBe(200);
    expect(costly.body.errors).toBeUndefined();
    expect(costly.body.extensions?.cost).toEqual({ nodes: 100 + 100 * 100, points: 101 });
    expect(Number(costly.headers.get('x-ratelimit-remaining'))).toBe(dayLeft - 101);
  });

  it('uses variables for page sizes', async () => {
    const r = await post({ query: 'query($n: Int) { apiKeys(first: $n) { edges { node { id } } } }', variables: { n: 50 } });
    expect(r.body.extensions?.cost).toEqual({ nodes: 50, points: 1 });
  });

  it('prices a connection not built by listConnection at the largest page, whatever its field is called', () => {
    const schema = buildSchema(`
      type PageInfo { hasNextPage: Boolean! endCursor: String }
      type Gadget { id: ID! }
      type GadgetEdge { node: Gadget! cursor: String! }
      type GadgetConnection { edges: [GadgetEdge!]! pageInfo: PageInfo! }
      type Widget { id: ID! gadgets(first: Int): GadgetConnection! }
      type WidgetEdge { node: Widget! cursor: String! }
      type WidgetConnection { edges: [WidgetEdge!]! pageInfo: PageInfo! }
      type Query { widgets(first: Int): WidgetConnection! widget: Widget }
    `);
    const cost = (query: string) => {
      const doc = parse(query);
      return operationCost(schema, doc, getOperationAST(doc)!);
    };
    expect(cost('{ widgets { edges { node { id } } } }')).toEqual({ nodes: 100, points: 1 });
    expect(cost('{ widgets(first: 5) { edges { node { id } } } }')).toEqual({ nodes: 5, points: 1 });
    expect(cost('{ widget { gadgets { edges { node { id } } } } }')).toEqual({ nodes: 100, points: 1 });
    // Through fragments too: their type conditions say what the fields are.
    expect(
      cost('{ widgets(first: 2) { ...w } } fragment w on WidgetConnection { edges { node { ... on Widget { gadgets { pageInfo { hasNextPage } } } } } }'),
    ).toEqual({
      nodes: 2 + 2 * 100,
      points: 3,
    });
    expect(cost('{ widget { id } }')).toEqual({ nodes: 0, points: 1 });
  });

  it('refuses an operation above the cost ceiling before running it', async () => {
    const q = `{ a: apiKeys(first: 100) { edges { node { requestLogs(first: 100) { edges { node { id } } } } } }
                 b: apiKeys(first: 100) { edges { node { requestLogs(first: 100) { edges { node { id } } } } } }
                 c: apiKeys(first: 100) { edges { node { requestLogs(first: 100) { edges { node { id } } } } } }
                 d: apiKeys(first: 100) { edges { node { requestLogs(first: 100) { edges { node { id } } } } } }
                 e: apiKeys(first: 100) { edges { node { requestLogs(first: 100) { edges { node { id } } } } } } }`;
    const r = await post({ query: q });
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('query_too_complex');
    expect(r.body.errors?.[0]?.message).toMatch(/Query cost 505 exceeds the maximum of 500 points/);
  });

  it('refuses queries nested too deep', async () => {
    const deep =
      '{ viewer { apiKey { rotatedFrom { rotatedFrom { rotatedFrom { rotatedFrom { rotatedFrom { rotatedFrom { rotatedFrom { rotatedFrom { rotatedFrom { id } } } } } } } } } } } }';
    const r = await post({ query: deep });
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('query_too_complex');
    expect(r.body.errors?.[0]?.message).toMatch(/depth limit/i);
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: viewer { id }`).join(' ');
    const r = await post({ query: `{ ${aliases} }` });
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('query_too_complex');
    expect(r.body.errors?.[0]?.message).toMatch(/aliases/i);
  });

  it('does not batch: one operation per HTTP request', async () => {
    const r = await post([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }]);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('validation_error');
  });

  it('answers malformed GraphQL with validation_error', async () => {
    // GraphQL over HTTP with application/json: request errors are 200 with errors, coded as the catalog says.
    const r = await post({ query: '{ viewer { id ' });
    expect(r.body.errors?.[0]?.extensions?.code).toBe('validation_error');
    expect(r.body.errors?.[0]?.message).toMatch(/Syntax Error/);
    const unknownField = await post({ query: '{ viewer { secret } }' });
    expect(unknownField.body.errors?.[0]?.extensions?.code).toBe('validation_error');
  });
});
