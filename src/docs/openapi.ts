import { z } from 'zod';
import { ERROR_STATUS } from '../domain/errors.js';
import type { RestRoute } from '../rest/route.js';

type JsonSchema = Record<string, unknown>;

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The domain validates camelCase; REST clients send snake_case at the top level (see rest/http.ts). */
function restBodySchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const props = json.properties as Record<string, JsonSchema> | undefined;
  if (props) json.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [snake(k), v]));
  if (Array.isArray(json.required)) json.required = (json.required as string[]).map(snake);
  delete json.$schema;
  return json;
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: Object.keys(ERROR_STATUS) }, message: { type: 'string' } },
    },
  },
};

/** OpenAPI 3.1 for the v1 REST routes, built from the route table and the domain's zod schemas. */
export function buildOpenApi(routes: readonly RestRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const parameters: JsonSchema[] = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    for (const [name, description] of Object.entries(r.doc.query ?? {})) parameters.push({ name, in: 'query', required: false, description, schema: { type: 'string' } });
    if (r.method === 'POST' && r.path === '/v1/api-keys') {
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, description: 'Replays the first result (secret included) for 24 h', schema: { type: 'string', maxLength: 255 } });
    }
    const op: JsonSchema = {
      summary: r.doc.summary,
      description: r.doc.scope ? `Needs the \`${r.doc.scope}\` scope.` : 'Any valid key.',
      parameters,
      responses: {
        [String(r.doc.status ?? 200)]: { description: 'Success: `{"data": …}`' },
        default: { description: 'An error of the catalog', content: { 'application/json': { schema: errorSchema } } },
      },
    };
    if (r.doc.body) op.requestBody = { required: r.method === 'POST' && r.doc.status === 201, content: { 'application/json': { schema: restBodySchema(r.doc.body) } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Workspace API',
      version: '1',
      description: 'REST shim of the workspace API. Every request: `Authorization: Bearer wbk_live_…`. GraphQL (same rules) is at /graphql.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
