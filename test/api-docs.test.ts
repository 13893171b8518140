import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { PLAN_CATALOG } from '../src/db/plans.js';
import { ERROR_DOCS } from '../src/docs/errors.js';
import { buildOpenApi } from '../src/docs/openapi.js';
import { docOperations } from '../src/docs/operations.js';
import { addCredits } from '../src/domain/credits.js';
import { ERROR_STATUS, type ErrorCode } from '../src/domain/errors.js';
import { OPERATIONS } from '../src/operations/index.js';
import type { RestRoute } from '../src/rest/route.js';
import { REST_ROUTES } from '../src/rest/router.js';
import { serverForFile } from './support/fixture.js';
import { insertExampleLeads } from './support/leads.js';

const t = serverForFile();

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

  it('serves a valid OpenAPI 3.1 document with REST field names, scopes and every route', async () => {
    const doc = (await (await fetch(`${t.url}/api-docs/openapi.json`)).json()) as Doc;
    expect(await new Validator().validate(doc as never)).toEqual({ valid: true });
    expect(doc.openapi).toBe('3.1.0');
    const create = doc.paths['/v1/api-keys']!.post!;
    expect(create['x-scope']).toBe('admin:api_keys');
    expect(create.description).toContain('**Scope:** `admin:api_keys`');
    const schema = create.requestBody!.content['application/json'].schema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(['name', 'permissions', 'description', 'category', 'rate_limit_tier', 'expires_at', 'quotas']);
    expect(schema.required).toEqual(['name', 'permissions']);
    // Nested objects are snake_case too.
    expect(JSON.stringify(doc.paths['/v1/operator/workspaces/{id}/override']!.put!.requestBody)).toContain('"requests_per_minute"');
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(REST_ROUTES.map((r) => r.path.replace(/:(\w+)/g, '{$1}')))].sort());
  });

  it('says, for every operation, its scope, credits, limit class, limits per plan, GraphQL field, errors and samples', async () => {
    const doc = (await (await fetch(`${t.url}/api-docs/openapi.json`)).json()) as Doc;
    for (const r of REST_ROUTES) {
      const op = doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]![r.method.toLowerCase()]!;
      const where = `${r.method} ${r.path}`;
      expect(op['x-scope'], where).toBe(r.operation.scope);
      expect(op['x-limit-class'], where).toBe('default');
      expect(op['x-credits'], where).toEqual(r.operation.credits);
      expect(op['x-rate-limits'], where).toHaveLength(PLAN_CATALOG.length);
      expect(op.description, where).toMatch(
        /\*\*Credits:\*\*.*\n\*\*Limit class:\*\* `default`[\s\S]*\*\*GraphQL:\*\*[\s\S]*\| Enterprise \| 200 \| 2,000 \| 200,000 \|/,
      );
      expect(op['x-graphql'].coordinate, where).toMatch(/^[A-Z]\w+\.\w+$/);
      expect(
        op['x-codeSamples'].map((c) => c.label),
        where,
      ).toEqual(['cURL', 'JavaScript (fetch)']);
      expect(op['x-codeSamples'][0]!.source, where).toContain('Authorization: Bearer $API_KEY');
      const statuses = Object.keys(op.responses);
      expect(statuses, where).toEqual(expect.arrayContaining([String(r.operation.rest.status ?? 200), '401', '403', '429', '500', '503']));
      expect(op.responses['401']!.content!['application/json'].schema, where).toMatchObject({ allOf: [{ $ref: '#/components/schemas/Error' }, {}] });
      expect(Object.keys(op.responses['429']!.headers!), where).toEqual(
        expect.arrayContaining(['Retry-After', 'RateLimit-Policy', 'RateLimit', 'X-RateLimit-Limit']),
      );
      if (r.path.includes(':')) expect(statuses, where).toEqual(expect.arrayContaining(['400', '404']));
      const idempotent = (op.parameters ?? []).some((p) => p.name === 'Idempotency-Key' && p.in === 'header');
      expect(idempotent, where).toBe(where === 'POST /v1/api-keys');
    }
    expect(doc.paths['/v1/api-keys']!.post!['x-graphql'].coordinate).toBe('Mutation.createApiKey');
    expect(doc.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
    // The error catalog, every code with its status, when it happens and its message.
    for (const [code, status] of Object.entries(ERROR_STATUS))
      expect(doc.info.description).toContain(`| \`${code}\` | ${status} | ${ERROR_DOCS[code as ErrorCode].when} |`);
    expect(doc.info.description).toContain('| Pro | 10 | 50 | 1,000 |');
  });

  it('documents credits_used in the success body of an operation that spends credits, as the router adds it', () => {
    const route = REST_ROUTES.find((r) => r.operation.name === 'apiKeys')!;
    const paid = { ...route, operation: { ...route.operation, credits: { kind: 'per_row', perRow: 2 } as const } };
    const get = (buildOpenApi([paid], PLAN_CATALOG) as unknown as Doc).paths['/v1/api-keys']!.get!;
    expect(get.responses['200']!.content!['application/json'].schema).toMatchObject({
      required: expect.arrayContaining(['data', 'credits_used']),
      properties: { credits_used: { type: 'integer' } },
    });
    expect(get.description).toContain('2 credits per row returned');
    expect(Object.keys(get.responses)).toContain('402');
  });

  it('says what each operation can answer beyond the common errors', async () => {
    const doc = (await (await fetch(`${t.url}/api-docs/openapi.json`)).json()) as Doc;
    expect(doc.paths['/v1/api-keys/{id}']!.delete!.responses['409']!.description).toContain('key_in_use');
    // No id in its path, but key_id may name another workspace's key. (Every code a test meets on a route is checked against its document: test/support/harness.ts.)
    expect(doc.paths['/v1/logs']!.get!.responses['404']!.description).toContain('`not_found`');
    for (const op of docOperations(REST_ROUTES)) {
      const documented = Object.values(doc.paths[op.path.replace(/:(\w+)/g, '{$1}')]![op.method.toLowerCase()]!.responses).map((r) => r.description);
      for (const code of op.errors) expect(documented.join('\n'), `${op.method} ${op.path}`).toContain(`\`${code}\``);
    }
  });

  it('documents the success body every route really sends, for its declared example request', async () => {
    const doc = (await (await fetch(`${t.url}/api-docs/openapi.json`)).json()) as Doc;
    // Closed objects: a field the server sends and the document omits fails as much as a wrong type.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date-time', true);
    ajv.addSchema({ $id: 'doc', components: closed(doc.components) });
    const checked = new Set<string>();
    /** Calls the route with its declared example (or no body), checks status and body against the document, and answers the body's data. */
    const call = async (method: RestRoute['method'], path: string, key: string, ids: Record<string, string> = {}) => {
      const route = REST_ROUTES.find((r) => r.method === method && r.path === path)!;
      const where = `${method} ${path}`;
      const body = route.operation.examples?.request ?? (route.operation.input ? {} : undefined);
      const reply = await t.rest(
        method,
        path.replace(/:(\w+)/g, (_, p: string) => ids[p]!),
        { key, body },
      );
      expect(reply.status, `${where}: ${JSON.stringify(reply.body)}`).toBe(route.operation.rest.status ?? 200);
      const schema = closed(
        doc.paths[path.replace(/:(\w+)/g, '{$1}')]![method.toLowerCase()]!.responses[String(reply.status)]!.content!['application/json'].schema,
      );
      const validate = ajv.compile({ ...(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as object) });
      expect(validate(reply.body) ? [] : validate.errors, where).toEqual([]);
      checked.add(where);
      // A list's items are checked only if there are some.
      const data = (reply.body as { data: unknown }).data;
      if (Array.isArray(data)) expect(data.length, `${where} listed nothing`).toBeGreaterThan(0);
      return (reply.body as { data: { id: string } }).data;
    };

    for (const op of OPERATIONS) if (op.input) expect(op.examples?.request, `${op.name} takes a body and shows no example of it`).toBeDefined();

    const { key, keyId, workspaceId } = await t.tenant();
    const created = await call('POST', '/v1/api-keys', key);
    const id = { id: created.id };
    await call('GET', '/v1/api-keys', key);
    await call('GET', '/v1/api-keys/:id', key, id);
    await call('PATCH', '/v1/api-keys/:id', key, id);
    await call('POST', '/v1/api-keys/:id/deactivate', key, id);
    await call('POST', '/v1/api-keys/:id/reactivate', key, id);
    const rotated = await call('POST', '/v1/api-keys/:id/rotate', key, id);
    await call('POST', '/v1/api-keys/:id/revoke', key, { id: rotated.id });
    // Never used, so it may be deleted.
    await call('DELETE', '/v1/api-keys/:id', key, id);
    await call('GET', '/v1/me', key);
    await call('GET', '/v1/workspace', key);
    await t.app.logWriter.flush();
    await call('GET', '/v1/api-keys/:id/logs', key, { id: keyId });
    await call('GET', '/v1/api-keys/:id/usage', key, { id: keyId });
    await call('GET', '/v1/logs', key);
    await call('GET', '/v1/usage', key);
    await call('GET', '/v1/me/logs', key);
    await call('GET', '/v1/me/usage', key);

    // The lead searches' examples find rows, and pay for them.
    await insertExampleLeads(t.database.db);
    await addCredits(t.database.db, workspaceId, 1000);
    for (const kind of ['b2b', 'local', 'creators']) {
      await call('POST', `/v1/leads/${kind}/search`, key);
      await call('POST', `/v1/leads/${kind}/count`, key);
    }

    const operator = await t.tenant({ plan: 'admin', name: 'Docs operators' });
    const target = { id: (await t.tenant({ plan: 'starter' })).workspaceId };
    await call('GET', '/v1/operator/workspaces', operator.key);
    await call('GET', '/v1/operator/workspaces/:id', operator.key, target);
    await call('PATCH', '/v1/operator/workspaces/:id', operator.key, target);
    await call('PUT', '/v1/operator/workspaces/:id/override', operator.key, target);
    await call('DELETE', '/v1/operator/workspaces/:id/override', operator.key, target);
    await call('POST', '/v1/operator/workspaces/:id/credits', operator.key, target);
    await call('GET', '/v1/operator/workspaces/:id/audit', operator.key, target);

    expect([...checked].sort()).toEqual(REST_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    // An error body matches the document too.
    const missing = await t.rest('GET', '/v1/api-keys/key_01JAAAAAAAAAAAAAAAAAAAAAAA', { key });
    const notFound = closed(doc.paths['/v1/api-keys/{id}']!.get!.responses['404']!.content!['application/json'].schema);
    const validate = ajv.compile(JSON.parse(JSON.stringify(notFound).replaceAll('"#/components/', '"doc#/components/')) as object);
    expect(validate(missing.body) ? [] : validate.errors).toEqual([]);
  });
});

type Json = Record<string, unknown>;
interface DocOp {
  description: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: { 'application/json': { schema: unknown } } }>;
  'x-scope': string | null;
  'x-limit-class': string;
  'x-credits': unknown;
  'x-rate-limits': unknown[];
  'x-graphql': { coordinate: string };
  'x-codeSamples': { label: string; source: string }[];
}
interface Doc {
  openapi: string;
  info: { description: string };
  components: Json & { securitySchemes: unknown };
  paths: Record<string, Record<string, DocOp>>;
}

/** Every object schema that lists its properties admits no others. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closed(v)]));
  if (out.properties && out.type === 'object' && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}
