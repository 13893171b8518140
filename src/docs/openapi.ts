import { z } from 'zod';
import type { PlanRow } from '../db/schema.js';
import { ERROR_STATUS, type ErrorCode } from '../domain/errors.js';
import { snakeName } from '../domain/field-names.js';
import { HIGH_TIER_MULTIPLIER, type LimitClass } from '../domain/limits/policy.js';
import { operationFacts, reportsCredits, SHAPES } from '../operations/index.js';
import type { RestRoute } from '../rest/route.js';
import { ERROR_DOCS, errorCatalogMarkdown } from './errors.js';
import { docOperations, type DocOperation } from './operations.js';

export type JsonSchema = Record<string, unknown>;

/**
 * REST reads and writes snake_case at every depth; the domain's schemas are camelCase. A
 * record's keys (an open map's, the caller's data) are no `properties`, so they stay as they are.
 */
function snakeProperties(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(snakeProperties);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [snakeName(p), snakeProperties(s)]));
    else if (k === 'required' && Array.isArray(v)) out[k] = v.map((p) => (typeof p === 'string' ? snakeName(p) : p));
    else out[k] = snakeProperties(v);
  }
  return out;
}

/** zod to JSON Schema as the document shows it: a format says what its pattern would, and safe-integer bounds are no limit of ours. */
const JSON_SCHEMA_OPTIONS = {
  unrepresentable: 'any',
  override: ({ jsonSchema: s }: { jsonSchema: JsonSchema }) => {
    if (s.format === 'date-time') delete s.pattern;
    if (s.type === 'integer' && s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
    if (s.type === 'integer' && s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
  },
} as const;

/** A schema of its own inside the document: no `$schema`, and no `$id`, which would re-base its references. */
function embedded(json: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = json;
  return rest;
}

function restBodySchema(schema: z.ZodType): JsonSchema {
  return snakeProperties(embedded(z.toJSONSchema(schema, { ...JSON_SCHEMA_OPTIONS, io: 'input' }) as JsonSchema)) as JsonSchema;
}

const componentRef = (id: string) => `#/components/schemas/${id}`;

/** The shared shapes, by their names; `extra` joins them under `id`. */
function shapeRegistry(extra?: { schema: z.ZodType; id: string }) {
  const registry = z.registry<{ id: string }>();
  for (const [id, shape] of Object.entries(SHAPES)) registry.add(shape, { id });
  if (extra) registry.add(extra.schema, { id: extra.id });
  return registry;
}

const asJsonSchemas = (registry: ReturnType<typeof shapeRegistry>) =>
  z.toJSONSchema(registry, { ...JSON_SCHEMA_OPTIONS, io: 'output', uri: componentRef }).schemas as Record<string, JsonSchema>;

/** The shapes operations share, as named components. */
function shapeComponents(): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(asJsonSchemas(shapeRegistry())).map(([id, s]) => [id, embedded(s)]));
}

/**
 * An operation's success body as the router sends it (with `credits_used` when it reports
 * credits), each shared shape in it a reference to its component.
 */
function successSchema(op: DocOperation): JsonSchema {
  const body = reportsCredits(op) && op.output instanceof z.ZodObject ? op.output.extend({ credits_used: z.int() }) : op.output;
  const named = Object.entries(SHAPES).find(([, shape]) => shape === body);
  if (named) return { $ref: componentRef(named[0]) };
  const id = `${op.name} body`;
  return embedded(asJsonSchemas(shapeRegistry({ schema: body, id }))[id]!);
}

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

// --- What every operation shares: limits, credits, errors -------------------------------------

const CLASS_WINDOWS: Record<LimitClass, { label: string; of: (p: PlanRow) => number }[]> = {
  default: [
    { label: 'per second', of: (p) => p.requestsPerSecond },
    { label: 'per minute', of: (p) => p.requestsPerMinute },
    { label: 'per UTC day', of: (p) => p.requestsPerDay },
  ],
  ai: [
    { label: 'AI per minute', of: (p) => p.aiRequestsPerMinute },
    { label: 'per UTC day', of: (p) => p.requestsPerDay },
  ],
};

const fmt = (n: number) => n.toLocaleString('en-US');

function rateLimitTable(plans: readonly PlanRow[], cls: LimitClass): string {
  const windows = CLASS_WINDOWS[cls];
  const head = `| Plan | ${windows.map((w) => w.label).join(' | ')} |`;
  const rule = `| --- |${windows.map(() => ' ---: |').join('')}`;
  const rows = plans.map((p) => `| ${p.name} | ${windows.map((w) => fmt(w.of(p))).join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}

function rateLimitsByPlan(plans: readonly PlanRow[], cls: LimitClass) {
  return plans.map((p) => ({ plan: p.name, ...Object.fromEntries(CLASS_WINDOWS[cls].map((w) => [w.label.replace(/ /g, '_'), w.of(p)])) }));
}

/** The catalog codes an operation can answer with, by what it takes and does. */
export function errorCodes(op: DocOperation): ErrorCode[] {
  const takesInput = op.body !== undefined || Object.keys(op.query).length > 0 || op.path.includes(':');
  const codes: (ErrorCode | false)[] = [
    takesInput && 'validation_error',
    'missing_auth',
    'invalid_key',
    'inactive_key',
    'expired_key',
    'revoked_key',
    op.credits.kind !== 'none' && 'insufficient_credits',
    op.scope !== null && 'insufficient_permissions',
    'ip_blocked',
    op.path.includes(':') && 'not_found',
    ...op.errors,
    op.idempotent && 'idempotency_in_flight',
    op.body !== undefined && 'payload_too_large',
    op.body !== undefined && 'unsupported_media_type',
    op.idempotent && 'idempotency_mismatch',
    'rate_limited',
    'quota_exceeded',
    'internal_error',
    'service_unavailable',
  ];
  return [...new Set(codes.filter((c): c is ErrorCode => c !== false))];
}

const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': { description: "The plan's daily limit for this key's tier.", schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left today (UTC).', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'When the day window resets, in Unix seconds.', schema: { type: 'integer' } },
  'RateLimit-Policy': { description: 'Every window of the limit class, then the key\'s tightest quota: `"minute";q=50;w=60, …`', schema: { type: 'string' } },
  RateLimit: { description: 'Remaining (`r`) and seconds to reset (`t`) per window: `"minute";r=49;t=31, …`', schema: { type: 'string' } },
} as const;

const headerRefs = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));

function errorResponse(codes: ErrorCode[]): JsonSchema {
  const status = ERROR_STATUS[codes[0]!];
  const lines = codes.map((c) => `- \`${c}\`: ${ERROR_DOCS[c].when} "${ERROR_DOCS[c].message}"`);
  const headers =
    status === 429 || status === 503 || codes.includes('ip_blocked')
      ? headerRefs(['Retry-After', 'X-Request-ID', ...(status === 429 ? Object.keys(RATE_LIMIT_HEADERS) : [])])
      : headerRefs(['X-Request-ID']);
  return {
    description: lines.join('\n'),
    headers,
    content: {
      'application/json': {
        schema: {
          allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { error: { properties: { code: { enum: codes } } } } }],
        },
        example: { error: { code: codes[0], message: ERROR_DOCS[codes[0]!].message } },
      },
    },
  };
}

// --- Code samples: cURL and fetch, as a caller would write them -------------------------------

function codeSamples(op: DocOperation) {
  const url = `$API_URL${op.path.replace(/:(\w+)/g, '{$1}')}`;
  const body = op.examples?.request ?? (op.body ? {} : undefined);
  const json = body === undefined ? undefined : JSON.stringify(body);
  const curl = [`curl -X ${op.method} "${url}"`, '  -H "Authorization: Bearer $API_KEY"'];
  if (op.idempotent) curl.push('  -H "Idempotency-Key: $(uuidgen)"');
  if (json) curl.push('  -H "Content-Type: application/json"', `  -d '${json}'`);
  const headers = [`Authorization: \`Bearer \${API_KEY}\``];
  if (op.idempotent) headers.push("'Idempotency-Key': crypto.randomUUID()");
  if (json) headers.push("'Content-Type': 'application/json'");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is JavaScript source: `:id` becomes its `${id}` placeholder
  const jsUrl = `\`\${API_URL}${op.path.replace(/:(\w+)/g, '${$1}')}\``;
  const js = [
    `const res = await fetch(${jsUrl}, {`,
    `  method: '${op.method}',`,
    `  headers: { ${headers.join(', ')} },`,
    ...(json ? [`  body: JSON.stringify(${JSON.stringify(body, null, 2).replace(/\n/g, '\n  ')}),`] : []),
    '});',
    'const { data, error } = await res.json();',
  ];
  return [
    { lang: 'Shell', label: 'cURL', source: curl.join(' \\\n') },
    { lang: 'JavaScript', label: 'JavaScript (fetch)', source: js.join('\n') },
  ];
}

// --- The document ------------------------------------------------------------------------------

function tagOf(path: string): string {
  if (path.startsWith('/v1/operator')) return 'Operator';
  if (/\/(logs|usage)$/.test(path)) return 'Logs and usage';
  if (path.startsWith('/v1/api-keys')) return 'API keys';
  return 'Account';
}

function graphqlText(op: DocOperation): string {
  const [type, field] = op.graphql.coordinate.split('.') as [string, string];
  const root = type === 'Query' || type === 'Mutation';
  return root
    ? `\`${op.graphql.kind} { ${field} }\` (schema coordinate \`${op.graphql.coordinate}\`)`
    : `the field \`${op.graphql.coordinate}\` (\`${type}.${field}\`, reached from \`query { viewer … }\` or the object's query)`;
}

function operation(op: DocOperation, plans: readonly PlanRow[]): JsonSchema {
  const params: JsonSchema[] = [...op.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  for (const [name, description] of Object.entries(op.query)) params.push({ name, in: 'query', required: false, description, schema: { type: 'string' } });
  if (op.idempotent) {
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Any unique string (at most 255 characters). A retry with the same key and body replays the first result, secret included, for 24 hours, with `Idempotent-Replayed: true`.',
      schema: { type: 'string', maxLength: 255 },
    });
  }
  const description = [
    op.description,
    [...operationFacts(op), `**GraphQL:** ${graphqlText(op)}`].join('  \n'),
    `**Rate limits by plan** (the \`high\` tier gets ${HIGH_TIER_MULTIPLIER}×; \`unmetered\` keys on Enterprise and Admin have none; a key's own quotas apply on top):\n\n${rateLimitTable(plans, op.limitClass)}`,
  ]
    .filter(Boolean)
    .join('\n\n');

  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of errorCodes(op)) byStatus.set(ERROR_STATUS[c], [...(byStatus.get(ERROR_STATUS[c]) ?? []), c]);
  const responses: JsonSchema = {
    [String(op.status)]: {
      description: op.status === 201 ? 'Created' : 'OK',
      headers: headerRefs(['X-Request-ID', ...Object.keys(RATE_LIMIT_HEADERS), ...(op.idempotent ? ['Idempotent-Replayed'] : [])]),
      content: { 'application/json': { schema: successSchema(op) } },
    },
  };
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) responses[String(status)] = errorResponse(codes);

  const out: JsonSchema = {
    operationId: op.graphql.name,
    summary: op.summary,
    description,
    tags: [tagOf(op.path)],
    parameters: params,
    responses,
    'x-scope': op.scope,
    'x-limit-class': op.limitClass,
    'x-credits': op.credits,
    'x-idempotent': op.idempotent,
    'x-rate-limits': rateLimitsByPlan(plans, op.limitClass),
    'x-graphql': { coordinate: op.graphql.coordinate, kind: op.graphql.kind, field: op.graphql.name },
    'x-codeSamples': codeSamples(op),
  };
  if (op.body) {
    const content: JsonSchema = { schema: restBodySchema(op.body) };
    if (op.examples?.request !== undefined) content.example = op.examples.request;
    const required =
      Array.isArray(content.schema && (content.schema as JsonSchema).required) && ((content.schema as JsonSchema).required as unknown[]).length > 0;
    out.requestBody = { required, content: { 'application/json': content } };
  }
  return out;
}

const intro = (
  plans: readonly PlanRow[],
) => `The workspace API over REST. The same operations, under the same rules, are on GraphQL at [/graphql](/graphql) (GraphiQL in a browser); each operation below names its GraphQL field.

## Authentication
Every request carries a key: \`Authorization: Bearer wbk_live_…\`. Keys are created with \`POST /v1/api-keys\` (or \`createApiKey\`), or by the operator's command line. Each operation needs one scope (listed on it) unless it says "any valid key".

## Rate limits
A workspace's plan sets fixed windows shared by all its keys: per second and per minute (aligned to the clock) and per UTC day. Operations of the \`ai\` limit class count against their own per-minute window instead of the second and minute ones, and against the day. A key's \`rate_limit_tier\` scales them: \`high\` gets ${HIGH_TIER_MULTIPLIER}×, \`unmetered\` (Enterprise and Admin) none. A key's own quotas (total, daily, weekly, monthly) apply on top. Responses carry \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`, \`X-RateLimit-Reset\` (the day), \`RateLimit-Policy\` and \`RateLimit\` (every window); a refusal is 429 with \`Retry-After\`.

### Class \`default\`
${rateLimitTable(plans, 'default')}

### Class \`ai\`
${rateLimitTable(plans, 'ai')}

## Credits
Operations that return paid rows spend the workspace's credits, per row; each operation states its cost. A balance that cannot cover a request is refused with 402 \`insufficient_credits\` before any work is done.

## Idempotency
Operations marked "Idempotency-Key: honoured" replay their first result for 24 hours when retried with the same \`Idempotency-Key\` and body, with \`Idempotent-Replayed: true\`.

## Errors
Every error is \`{"error": {"code", "message"}}\` with the status below; on GraphQL the code is in \`errors[].extensions.code\`.

${errorCatalogMarkdown()}
`;

/**
 * OpenAPI 3.1 for the v1 REST surface, from the route table and what declares its operations;
 * the rate limits from `plans`, as the app's directory holds them.
 */
export function buildOpenApi(routes: readonly RestRoute[], plans: readonly PlanRow[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of docOperations(routes)) (paths[openApiPath(op.path)] ??= {})[op.method.toLowerCase()] = operation(op, plans);
  return {
    openapi: '3.1.0',
    info: { title: 'Workspace API', version: '1', description: intro(plans) },
    servers: [{ url: '/', description: 'This server' }],
    tags: [
      { name: 'Account', description: 'The calling key, its workspace and plan.' },
      { name: 'API keys', description: "The workspace's keys: create, list, change, rotate, retire." },
      { name: 'Logs and usage', description: 'Request logs and usage, of the workspace, one key, or the caller.' },
      { name: 'Operator', description: 'Managing every workspace: keys of the Admin plan holding `admin:operator`.' },
    ],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'wbk_live_…', description: 'An API key: `Authorization: Bearer wbk_live_…`.' },
      },
      headers: {
        ...RATE_LIMIT_HEADERS,
        'Retry-After': { description: 'Seconds to wait before a retry can succeed.', schema: { type: 'integer' } },
        'X-Request-ID': { description: 'The request id (yours, if you sent one); quote it when reporting a problem.', schema: { type: 'string' } },
        'Idempotent-Replayed': {
          description: '`true` when the response replays an earlier request with the same Idempotency-Key.',
          schema: { type: 'string', enum: ['true'] },
        },
      },
      schemas: {
        ...shapeComponents(),
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
                message: { type: 'string', description: 'Names the problem and what is wanted.' },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
