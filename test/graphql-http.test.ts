import { beforeAll, describe, expect, it } from 'vitest';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';

const t = serverForFile();
let tenant: Tenant;
beforeAll(async () => {
  tenant = await t.tenant({ plan: 'enterprise' });
});

/** Same request, two ways in: the fast path, and Yoga's full handler (a browser's Origin sends it there). */
async function both(body: string, headers: Record<string, string> = {}) {
  const call = async (extra: Record<string, string>) => {
    const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers, ...extra }, body });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: text,
      limit: res.headers.get('x-ratelimit-limit'),
      cors: res.headers.get('access-control-allow-origin'),
    };
  };
  return { fast: await call({}), yoga: await call({ origin: 'https://app.example' }) };
}

const auth = () => ({ authorization: `Bearer ${tenant.key}` });

describe('the GraphQL fast path', () => {
  it.each([
    ['a query', JSON.stringify({ query: '{ viewer { id name } }' }), true],
    [
      'variables and an operation name',
      JSON.stringify({ query: 'query A($id: ID!) { apiKey(id: $id) { id } } query B { viewer { id } }', variables: { id: 'key_nope' }, operationName: 'A' }),
      true,
    ],
    ['a parse error', JSON.stringify({ query: '{ viewer { id ' }), true],
    ['a validation error', JSON.stringify({ query: '{ viewer { nope } }' }), true],
    ['a bad variable', JSON.stringify({ query: 'query($n: Int) { apiKeys(first: $n) { edges { cursor } } }', variables: { n: 'many' } }), true],
    ['no query', JSON.stringify({ variables: {} }), true],
    ['no key', JSON.stringify({ query: '{ viewer { id } }' }), false],
    ['introspection without a key', JSON.stringify({ query: '{ __schema { queryType { name } } }' }), false],
  ])('answers %s exactly as Yoga does', async (_case, body, withKey) => {
    const { fast, yoga } = await both(body, withKey ? auth() : {});
    expect({ ...fast, body: JSON.parse(fast.body), cors: undefined }).toEqual({ ...yoga, body: JSON.parse(yoga.body), cors: undefined });
    expect(yoga.cors).toBe('https://app.example');
    expect(fast.cors).toBeNull();
  });

  it('answers a bad body with the catalog code', async () => {
    for (const body of ['{"query":', '[{"query":"{ viewer { id } }"}]', '"just a string"']) {
      const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('validation_error');
    }
  });

  it('leaves other media types to Yoga', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...auth() },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/graphql-response\+json/);
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ viewer { id } }')}`, { headers: auth() });
    expect(((await get.json()) as { data: { viewer: { id: string } } }).data.viewer.id).toBe(tenant.keyId);
  });
});
