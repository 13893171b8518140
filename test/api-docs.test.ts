import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST_ROUTES } from '../src/rest/router.js';
import { startServer, type TestServer } from './support/harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

describe('every response', () => {
  it('carries X-Request-ID, outside the API too', async () => {
    for (const path of ['/healthz', '/api-docs', '/nowhere']) {
      const res = await fetch(`${t.url}${path}`, { headers: { 'x-request-id': 'edge-check-1' } });
      expect(res.headers.get('x-request-id')).toBe('edge-check-1');
    }
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('x-request-id')).toMatch(/^req_/);
    // GraphiQL's page is 9 MB: an unread body keeps the connection busy and the server's close waiting.
    await page.body?.cancel();
  });
});

describe('/api-docs', () => {
  it('lists every REST endpoint on a page that needs nothing from outside', async () => {
    const res = await fetch(`${t.url}/api-docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    for (const r of REST_ROUTES) expect(html).toContain(`<code>${r.path}</code>`);
    expect(html).toContain('insufficient_credits');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=["']https?:/i);
  });

  it('serves OpenAPI 3.1 with REST field names and the scopes each route needs', async () => {
    const doc = (await (await fetch(`${t.url}/api-docs/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { description: string; requestBody?: { content: { 'application/json': { schema: { properties: Record<string, unknown>; required: string[] } } } } }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const create = doc.paths['/v1/api-keys']!.post!;
    expect(create.description).toBe('Needs the `admin:api_keys` scope.');
    const schema = create.requestBody!.content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(['name', 'permissions', 'description', 'category', 'rate_limit_tier', 'expires_at', 'quotas']);
    expect(schema.required).toEqual(['name', 'permissions']);
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(REST_ROUTES.map((r) => r.path.replace(/:(\w+)/g, '{$1}')))].sort());
  });
});
