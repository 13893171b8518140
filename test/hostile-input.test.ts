import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { ERROR_STATUS } from '../src/domain/errors.js';
import { assignCatalogCodes } from '../src/graphql/error-codes.js';
import { serverForFile } from './support/fixture.js';
import type { Tenant } from './support/harness.js';

/**
 * Malformed and hostile requests over both surfaces: never a 500, always a JSON body with a
 * catalog code, the status the catalog gives it, and a message that names the field.
 */

const t = serverForFile();
let tenant: Tenant;
let keyId: string;
beforeAll(async () => {
  tenant = await t.tenant();
  const made = await t.rest('POST', '/v1/api-keys', { key: tenant.key, body: { name: 'Target', permissions: ['read:contacts'] } });
  keyId = made.body.data.id;
});

const LIMIT = 1 << 20;

interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body; undefined when there was none or it was not JSON. */
  json?: any;
  text: string;
}

/** One error out of either envelope: REST's `error`, GraphQL's first `errors[]`. */
function errorOf(a: Answer): { code?: string; message?: string } {
  const j = a.json;
  if (j?.error) return j.error;
  if (Array.isArray(j?.errors)) return { code: j.errors[0]?.extensions?.code, message: j.errors[0]?.message };
  return {};
}

async function viaFetch(
  method: string,
  path: string,
  o: { headers?: Record<string, string>; body?: string | Buffer | Blob; auth?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(o.auth === false ? {} : { authorization: `Bearer ${tenant.key}` }), ...o.headers };
  const body = Buffer.isBuffer(o.body) ? new Uint8Array(o.body) : o.body;
  const res = await fetch(t.url + path, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), json, text };
}

/** Parses one HTTP/1.1 response off the wire (Content-Length or chunked). */
function parseResponse(buf: Buffer): Answer {
  const cut = buf.indexOf('\r\n\r\n');
  if (cut < 0) throw new Error(`no HTTP response: ${JSON.stringify(buf.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...lines] = buf.subarray(0, cut).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = buf.subarray(cut + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = [];
    for (let at = 0; ; ) {
      const eol = body.indexOf('\r\n', at);
      const size = parseInt(body.subarray(at, eol).toString(), 16);
      if (!size) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, json, text };
}

/**
 * Writes bytes to a fresh connection and reads until the server closes it. A request that is
 * refused must be answered and closed by the server without the rest of its body.
 */
function viaSocket(...writes: (string | Buffer)[]): Promise<Answer> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
    for (const w of writes) socket.write(w);
  });
}

const auth = () => `Authorization: Bearer ${tenant.key}\r\n`;
const gqlBody = (query: string, variables?: unknown, operationName?: string) => JSON.stringify({ query, variables, operationName });
const json = { 'content-type': 'application/json' };
const browser = { ...json, origin: 'https://app.example' };
const post = (path: string, body: unknown, headers: Record<string, string> = json) =>
  viaFetch('POST', path, { headers, body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });
const sendGql = (query: string, variables?: unknown, headers: Record<string, string> = json) => post('/graphql', gqlBody(query, variables), headers);
const ok = { name: 'Fine', permissions: ['read:contacts'] };

interface Case {
  name: string;
  send: () => Promise<Answer>;
  status: number;
  code: string;
  message: RegExp;
}

const NUL = /must not contain NUL \(\\u0000\) characters$/;
const nul = (field: string) => new RegExp(`^${field.replace(/\./g, '\\.')} ${NUL.source}`);
const TIMESTAMP = /must be an ISO 8601 timestamp, e\.g\. 2027-01-31T00:00:00Z$/;

const restCases: Case[] = [
  // Point 9: a NUL anywhere is a validation_error naming the field, as REST spells it.
  { name: 'NUL in name', send: () => post('/v1/api-keys', { ...ok, name: 'a\0b' }), status: 400, code: 'validation_error', message: nul('name') },
  {
    name: 'NUL in description',
    send: () => post('/v1/api-keys', { ...ok, description: '\0' }),
    status: 400,
    code: 'validation_error',
    message: nul('description'),
  },
  { name: 'NUL in category', send: () => post('/v1/api-keys', { ...ok, category: 'prod\0' }), status: 400, code: 'validation_error', message: nul('category') },
  {
    name: 'NUL in a scope',
    send: () => post('/v1/api-keys', { ...ok, permissions: ['read:contacts', 'x\0'] }),
    status: 400,
    code: 'validation_error',
    message: nul('permissions.1'),
  },
  {
    name: 'NUL in expires_at',
    send: () => post('/v1/api-keys', { ...ok, expires_at: '2027-01-01T00:00:00Z\0' }),
    status: 400,
    code: 'validation_error',
    message: nul('expires_at'),
  },
  {
    name: 'NUL in a field name',
    send: () => post('/v1/api-keys', { ...ok, quotas: { 'dai\0ly': 1 } }),
    status: 400,
    code: 'validation_error',
    message: /^quotas must not have field names containing NUL/,
  },
  {
    name: 'NUL in a PATCH body',
    send: () => viaFetch('PATCH', `/v1/api-keys/${keyId}`, { headers: json, body: JSON.stringify({ name: '\0' }) }),
    status: 400,
    code: 'validation_error',
    message: nul('name'),
  },
  {
    name: 'NUL in a rotate body',
    send: () => post(`/v1/api-keys/${keyId}/rotate`, { name: 'x\0' }),
    status: 400,
    code: 'validation_error',
    message: nul('name'),
  },
  { name: 'NUL in ?name=', send: () => viaFetch('GET', '/v1/api-keys?name=%00'), status: 400, code: 'validation_error', message: nul('name') },
  { name: 'NUL in ?category=', send: () => viaFetch('GET', '/v1/api-keys?category=a%00'), status: 400, code: 'validation_error', message: nul('category') },
  { name: 'NUL in ?cursor=', send: () => viaFetch('GET', '/v1/api-keys?cursor=%00'), status: 400, code: 'validation_error', message: nul('cursor') },
  { name: 'NUL in ?state=', send: () => viaFetch('GET', '/v1/api-keys?state=%00'), status: 400, code: 'validation_error', message: nul('state') },
  { name: 'NUL in a path id', send: () => viaFetch('GET', '/v1/api-keys/%00'), status: 400, code: 'validation_error', message: nul('id') },
  {
    name: 'NUL in a path id (PATCH)',
    send: () => viaFetch('PATCH', '/v1/api-keys/key_%00', { headers: json, body: '{}' }),
    status: 400,
    code: 'validation_error',
    message: nul('id'),
  },
  { name: 'NUL in a path id (DELETE)', send: () => viaFetch('DELETE', '/v1/api-keys/%00'), status: 400, code: 'validation_error', message: nul('id') },
  { name: 'NUL in a path id (revoke)', send: () => post('/v1/api-keys/%00/revoke', undefined), status: 400, code: 'validation_error', message: nul('id') },
  { name: 'NUL in a path id (logs)', send: () => viaFetch('GET', '/v1/api-keys/%00/logs'), status: 400, code: 'validation_error', message: nul('id') },
  { name: 'NUL in ?endpoint= (logs)', send: () => viaFetch('GET', '/v1/logs?endpoint=%00'), status: 400, code: 'validation_error', message: nul('endpoint') },
  { name: 'NUL in ?key_id= (logs)', send: () => viaFetch('GET', '/v1/logs?key_id=%00'), status: 400, code: 'validation_error', message: nul('key_id') },
  { name: 'NUL in ?cursor= (logs)', send: () => viaFetch('GET', '/v1/logs?cursor=%00'), status: 400, code: 'validation_error', message: nul('cursor') },
  { name: 'NUL in ?from= (usage)', send: () => viaFetch('GET', '/v1/usage?from=%00'), status: 400, code: 'validation_error', message: nul('from') },

  // Point 11: messages say what is wanted, never zod's wording.
  {
    name: 'expires_at not a timestamp',
    send: () => post('/v1/api-keys', { ...ok, expires_at: 'soon' }),
    status: 400,
    code: 'validation_error',
    message: new RegExp(`^expires_at ${TIMESTAMP.source}`),
  },
  {
    name: 'expires_at a number',
    send: () => viaFetch('PATCH', `/v1/api-keys/${keyId}`, { headers: json, body: '{"expires_at":12}' }),
    status: 400,
    code: 'validation_error',
    message: new RegExp(`^expires_at ${TIMESTAMP.source}`),
  },
  {
    name: 'expires_at on rotate',
    send: () => post(`/v1/api-keys/${keyId}/rotate`, { expires_at: '2027-13-45' }),
    status: 400,
    code: 'validation_error',
    message: new RegExp(`^expires_at ${TIMESTAMP.source}`),
  },
  {
    name: '?from= not a timestamp',
    send: () => viaFetch('GET', '/v1/logs?from=yesterday'),
    status: 400,
    code: 'validation_error',
    message: new RegExp(`^from ${TIMESTAMP.source}`),
  },
  {
    name: '?to= not a timestamp (usage)',
    send: () => viaFetch('GET', '/v1/usage?to=later'),
    status: 400,
    code: 'validation_error',
    message: new RegExp(`^to ${TIMESTAMP.source}`),
  },
  {
    name: '?name= too long',
    send: () => viaFetch('GET', `/v1/api-keys?name=${'a'.repeat(200)}`),
    status: 400,
    code: 'validation_error',
    message: /^name must be at most 120 characters$/,
  },
  {
    name: '?key_id= too long',
    send: () => viaFetch('GET', `/v1/logs?key_id=${'k'.repeat(100)}`),
    status: 400,
    code: 'validation_error',
    message: /^key_id must be at most 64 characters$/,
  },
  {
    name: '?endpoint= too long',
    send: () => viaFetch('GET', `/v1/logs?endpoint=${'e'.repeat(300)}`),
    status: 400,
    code: 'validation_error',
    message: /^endpoint must be at most 200 characters$/,
  },
  {
    name: '?state= unknown',
    send: () => viaFetch('GET', '/v1/api-keys?state=zombie'),
    status: 400,
    code: 'validation_error',
    message: /^state must be one of active, inactive, revoked, expired$/,
  },
  {
    name: '__proto__ named as sent',
    send: () => post('/v1/api-keys', '{"__proto__": 1, "name": "x", "permissions": ["read:contacts"]}'),
    status: 400,
    code: 'validation_error',
    message: /^__proto__ is not a known field$/,
  },
  {
    name: '__proto__ object',
    send: () => post('/v1/api-keys', '{"name": "x", "permissions": ["read:contacts"], "__proto__": {"rate_limit_tier": "unmetered"}}'),
    status: 400,
    code: 'validation_error',
    message: /^__proto__ is not a known field$/,
  },
  {
    name: 'constructor named as sent',
    send: () => post('/v1/api-keys', '{"constructor": {}, "name": "x", "permissions": ["read:contacts"]}'),
    status: 400,
    code: 'validation_error',
    message: /^constructor is not a known field$/,
  },
  {
    name: 'nested __proto__',
    send: () => post('/v1/api-keys', '{"name": "x", "permissions": ["read:contacts"], "quotas": {"__proto__": 5}}'),
    status: 400,
    code: 'validation_error',
    message: /^quotas\.__proto__ is not a known field$/,
  },
  {
    name: 'a camelCase field',
    send: () => post('/v1/api-keys', { ...ok, Name: 'x' }),
    status: 400,
    code: 'validation_error',
    message: /^Name is not a known field$/,
  },
  { name: 'body null', send: () => post('/v1/api-keys', 'null'), status: 400, code: 'validation_error', message: /^body must be a JSON object$/ },
  { name: 'body []', send: () => post('/v1/api-keys', '[]'), status: 400, code: 'validation_error', message: /^body must be a JSON object$/ },
  { name: 'body 3', send: () => post('/v1/api-keys', '3'), status: 400, code: 'validation_error', message: /^body must be a JSON object$/ },
  { name: 'body "x"', send: () => post('/v1/api-keys', '"x"'), status: 400, code: 'validation_error', message: /^body must be a JSON object$/ },
  {
    name: 'PATCH body null',
    send: () => viaFetch('PATCH', `/v1/api-keys/${keyId}`, { headers: json, body: 'null' }),
    status: 400,
    code: 'validation_error',
    message: /^body must be a JSON object$/,
  },
  {
    name: 'rotate body null',
    send: () => post(`/v1/api-keys/${keyId}/rotate`, 'null'),
    status: 400,
    code: 'validation_error',
    message: /^body must be a JSON object$/,
  },
  {
    name: 'rotate body false',
    send: () => post(`/v1/api-keys/${keyId}/rotate`, 'false'),
    status: 400,
    code: 'validation_error',
    message: /^body must be a JSON object$/,
  },

  // Bodies that are not what they claim.
  { name: 'invalid JSON', send: () => post('/v1/api-keys', '{"name":'), status: 400, code: 'validation_error', message: /^body is not valid JSON$/ },
  {
    name: 'invalid UTF-8',
    send: () => post('/v1/api-keys', Buffer.from('{"name":"\xff\xfe","permissions":["read:contacts"]}', 'latin1')),
    status: 400,
    code: 'validation_error',
    message: /^body must be valid UTF-8$/,
  },
  {
    name: 'text/plain body',
    send: () => post('/v1/api-keys', JSON.stringify(ok), { 'content-type': 'text/plain' }),
    status: 415,
    code: 'unsupported_media_type',
    message: /Content-Type: application\/json/,
  },
  {
    name: 'no content type',
    send: () => viaFetch('POST', '/v1/api-keys', { body: new Blob([JSON.stringify(ok)]) }),
    status: 415,
    code: 'unsupported_media_type',
    message: /Content-Type: application\/json/,
  },
  {
    name: 'huge number quota',
    send: () => post('/v1/api-keys', `{"name":"x","permissions":["read:contacts"],"quotas":{"daily":1e400}}`),
    status: 400,
    code: 'validation_error',
    message: /^quotas\.daily must be a positive integer or null$/,
  },
  {
    name: 'fractional quota',
    send: () => post('/v1/api-keys', { ...ok, quotas: { weekly: 1.5 } }),
    status: 400,
    code: 'validation_error',
    message: /^quotas\.weekly must be a positive integer or null$/,
  },
  {
    name: 'huge ?limit=',
    send: () => viaFetch('GET', '/v1/api-keys?limit=99999999999999999999999'),
    status: 400,
    code: 'validation_error',
    message: /^limit must be a whole number from 1 to 100$/,
  },
  {
    name: 'exponent ?limit=',
    send: () => viaFetch('GET', '/v1/logs?limit=1e2'),
    status: 400,
    code: 'validation_error',
    message: /^limit must be a whole number/,
  },
  {
    name: 'deeply nested JSON',
    send: () => post('/v1/api-keys', `{"name":${'['.repeat(200_000)}${']'.repeat(200_000)},"permissions":["read:contacts"]}`),
    status: 400,
    code: 'validation_error',
    message: /^name is required and must be a string$/,
  },
  {
    name: 'deeply nested body',
    send: () => post('/v1/api-keys', `${'['.repeat(300_000)}${']'.repeat(300_000)}`),
    status: 400,
    code: 'validation_error',
    message: /^body must be a JSON object$/,
  },
  { name: 'odd method', send: () => viaFetch('PROPFIND', '/v1/me'), status: 405, code: 'method_not_allowed', message: /PROPFIND is not allowed/ },
  {
    name: 'PUT on a key',
    send: () => viaFetch('PUT', `/v1/api-keys/${keyId}`, { headers: json, body: '{}' }),
    status: 405,
    code: 'method_not_allowed',
    message: /PUT is not allowed/,
  },
];

const graphqlCases: Case[] = [
  // Point 9 over GraphQL: the argument or input path is named.
  {
    name: 'expiresAt not a timestamp (variable)',
    send: () => sendGql('mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { secret } }', { in: { ...ok, expiresAt: 'soon' } }),
    status: 400,
    code: 'validation_error',
    message: new RegExp(`at "in\\.expiresAt"; a DateTime ${TIMESTAMP.source}`),
  },
  {
    name: 'expiresAt not a timestamp (literal)',
    send: () => sendGql('mutation { createApiKey(input: {name: "x", permissions: ["read:contacts"], expiresAt: "2027-13-45"}) { secret } }'),
    status: 200,
    code: 'validation_error',
    message: new RegExp(`found "2027-13-45"; a DateTime ${TIMESTAMP.source}`),
  },
  { name: 'NUL in node(id:) literal', send: () => sendGql('{ node(id: "key_\\u0000") { id } }'), status: 400, code: 'validation_error', message: nul('id') },
  {
    name: 'NUL in node(id:) variable',
    send: () => sendGql('query($id: ID!) { node(id: $id) { id } }', { id: '\0' }),
    status: 400,
    code: 'validation_error',
    message: nul('id'),
  },
  {
    name: 'NUL in apiKey(id:)',
    send: () => sendGql('query($id: ID!) { apiKey(id: $id) { id } }', { id: 'key_\0' }),
    status: 400,
    code: 'validation_error',
    message: nul('id'),
  },
  {
    name: 'NUL in input.name (variables)',
    send: () => sendGql('mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { secret } }', { in: { ...ok, name: 'a\0' } }),
    status: 400,
    code: 'validation_error',
    message: nul('input.name'),
  },
  {
    name: 'NUL in input.description (literal)',
    send: () => sendGql('mutation { createApiKey(input: {name: "x", permissions: ["read:contacts"], description: "\\u0000"}) { secret } }'),
    status: 400,
    code: 'validation_error',
    message: nul('input.description'),
  },
  {
    name: 'NUL in input.permissions.1',
    send: () => sendGql('mutation($p: [String!]!) { createApiKey(input: {name: "x", permissions: $p}) { secret } }', { p: ['read:contacts', '\0'] }),
    status: 400,
    code: 'validation_error',
    message: nul('input.permissions.1'),
  },
  {
    name: 'NUL in filter.category',
    send: () => sendGql('{ apiKeys(filter: {category: "\\u0000"}) { edges { cursor } } }'),
    status: 400,
    code: 'validation_error',
    message: nul('filter.category'),
  },
  {
    name: 'NUL in after',
    send: () => sendGql('query($a: String) { apiKeys(after: $a) { edges { cursor } } }', { a: '\0' }),
    status: 400,
    code: 'validation_error',
    message: nul('after'),
  },
  {
    name: 'NUL in updateApiKey(id:)',
    send: () => sendGql('mutation { updateApiKey(id: "\\u0000", input: {name: "y"}) { apiKey { id } } }'),
    status: 400,
    code: 'validation_error',
    message: nul('id'),
  },
  {
    name: 'NUL in a variable default',
    send: () => sendGql('query($n: String = "\\u0000") { apiKeys(filter: {name: $n}) { edges { cursor } } }'),
    status: 400,
    code: 'validation_error',
    message: nul('\\$n'),
  },
  {
    name: 'NUL on the Yoga path',
    send: () => sendGql('query($id: ID!) { node(id: $id) { id } }', { id: '\0' }, browser),
    status: 400,
    code: 'validation_error',
    message: nul('id'),
  },
  {
    name: 'bad JSON in GET variables',
    send: () => viaFetch('GET', `/graphql?query=${encodeURIComponent('query($id: ID!) { node(id: $id) { id } }')}&variables=%7B`),
    status: 400,
    code: 'validation_error',
    message: /^variables must be a JSON object/,
  },
  {
    name: 'bad JSON in GET extensions',
    send: () => viaFetch('GET', `/graphql?query=${encodeURIComponent('{ viewer { id } }')}&extensions=nope`),
    status: 400,
    code: 'validation_error',
    message: /^extensions must be a JSON object/,
  },

  // Point 10: every refusal carries a catalog code.
  {
    name: 'unknown operationName (fast path)',
    send: () => post('/graphql', gqlBody('{ viewer { id } }', undefined, 'Nope')),
    status: 400,
    code: 'validation_error',
    message: /^operationName must name one of the operations/,
  },
  {
    name: 'unknown operationName (Yoga)',
    send: () => post('/graphql', gqlBody('{ viewer { id } }', undefined, 'Nope'), browser),
    status: 400,
    code: 'validation_error',
    message: /^operationName must name one of the operations/,
  },
  {
    name: 'two operations, no operationName',
    send: () => post('/graphql', gqlBody('query A { viewer { id } } query B { viewer { id } }')),
    status: 400,
    code: 'validation_error',
    message: /^operationName must name/,
  },
  {
    name: 'text/plain body',
    send: () => post('/graphql', gqlBody('{ viewer { id } }'), { 'content-type': 'text/plain' }),
    status: 415,
    code: 'unsupported_media_type',
    message: /Content-Type: application\/json/,
  },
  {
    name: 'no content type',
    send: () => viaFetch('POST', '/graphql', { body: new Blob([gqlBody('{ viewer { id } }')]) }),
    status: 415,
    code: 'unsupported_media_type',
    message: /Content-Type: application\/json/,
  },
  {
    name: 'PUT /graphql',
    send: () => viaFetch('PUT', '/graphql', { headers: json, body: gqlBody('{ viewer { id } }') }),
    status: 405,
    code: 'method_not_allowed',
    message: /GET and POST/,
  },
  {
    name: 'mutation over GET',
    send: () => viaFetch('GET', `/graphql?query=${encodeURIComponent('mutation { revokeApiKey(id: "key_x") { apiKey { id } } }')}`),
    status: 405,
    code: 'method_not_allowed',
    message: /POST/,
  },
  {
    name: 'token limit (fast path)',
    send: () => sendGql(`{ viewer { ${'id '.repeat(3500)} } }`),
    status: 400,
    code: 'query_too_complex',
    message: /Token limit of 3000 exceeded/,
  },
  {
    name: 'token limit (Yoga)',
    send: () => sendGql(`{ viewer { ${'id '.repeat(3500)} } }`, undefined, browser),
    status: 400,
    code: 'query_too_complex',
    message: /Token limit of 3000 exceeded/,
  },
  {
    name: 'token limit (graphql-response+json)',
    send: () => sendGql(`{ viewer { ${'id '.repeat(3500)} } }`, undefined, { ...json, accept: 'application/graphql-response+json' }),
    status: 400,
    code: 'query_too_complex',
    message: /Token limit/,
  },

  // Point 11 over GraphQL.
  {
    name: 'node(id: "")',
    send: () => sendGql('{ node(id: "") { id } }'),
    status: 200,
    code: 'validation_error',
    message: /^id must be a non-empty id such as key_/,
  },
  {
    name: 'node(id: "foo")',
    send: () => sendGql('{ node(id: "foo") { id } }'),
    status: 200,
    code: 'validation_error',
    message: /^id must be a non-empty id such as key_/,
  },
  {
    name: 'nodes(ids: [""])',
    send: () => sendGql('{ nodes(ids: [""]) { id } }'),
    status: 200,
    code: 'validation_error',
    message: /^id must be a non-empty id/,
  },
  {
    name: 'name too long',
    send: () => sendGql('mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { secret } }', { in: { ...ok, name: 'n'.repeat(121) } }),
    status: 200,
    code: 'validation_error',
    message: /^name must be 1 to 120 characters$/,
  },
  {
    name: 'filter.name too long',
    send: () => sendGql(`{ apiKeys(filter: {name: "${'n'.repeat(130)}"}) { edges { cursor } } }`),
    status: 200,
    code: 'validation_error',
    message: /^name must be at most 120 characters$/,
  },

  // Bodies that are not what they claim.
  { name: 'body null (fast path)', send: () => post('/graphql', 'null'), status: 400, code: 'validation_error', message: /^body must be a JSON object/ },
  { name: 'invalid JSON (fast path)', send: () => post('/graphql', '{"query":'), status: 400, code: 'validation_error', message: /^body is not valid JSON$/ },
  {
    name: 'invalid JSON (Yoga)',
    send: () => post('/graphql', '{"query":', browser),
    status: 400,
    code: 'validation_error',
    message: /^body is not valid JSON$/,
  },
  {
    name: 'empty JSON body (Yoga)',
    send: () => viaFetch('POST', '/graphql', { headers: browser, body: '' }),
    status: 400,
    code: 'validation_error',
    message: /^body is not valid JSON$/,
  },
  {
    name: 'invalid UTF-8 (fast path)',
    send: () => post('/graphql', Buffer.from('{"query":"{ viewer { id \xff } }"}', 'latin1')),
    status: 400,
    code: 'validation_error',
    message: /^body must be valid UTF-8$/,
  },
  {
    name: 'invalid UTF-8 (Yoga)',
    send: () => post('/graphql', Buffer.from('{"query":"{ viewer { id \xff } }"}', 'latin1'), browser),
    status: 400,
    code: 'validation_error',
    message: /^body must be valid UTF-8$/,
  },
  {
    name: 'batch',
    send: () => post('/graphql', `[${gqlBody('{ viewer { id } }')}]`),
    status: 400,
    code: 'validation_error',
    message: /batching is not supported/,
  },
];

/** A body of exactly `size` bytes: valid JSON padded with spaces. */
const padded = (value: unknown, size: number) => {
  const s = JSON.stringify(value);
  return s + ' '.repeat(size - Buffer.byteLength(s));
};

const rawRequest = (method: string, path: string, extra: string) => `${method} ${path} HTTP/1.1\r\nHost: localhost\r\n${auth()}${extra}\r\n`;

/** Point 8: one limit on every path, refused before the body is buffered, and the connection closed. */
const limitCases: Case[] = [];
for (const [surface, path, headers] of [
  ['REST', '/v1/api-keys', 'Content-Type: application/json\r\n'],
  ['GraphQL fast path', '/graphql', 'Content-Type: application/json\r\n'],
  ['GraphQL through Yoga', '/graphql', 'Content-Type: application/json\r\nOrigin: https://app.example\r\n'],
] as const) {
  limitCases.push(
    {
      name: `${surface}: Content-Length one byte over, refused before the body is sent`,
      send: () => viaSocket(rawRequest('POST', path, `${headers}Content-Length: ${LIMIT + 1}\r\n`)),
      status: 413,
      code: 'payload_too_large',
      message: /^Request body must be at most 1 MiB \(1048576 bytes\)/,
    },
    {
      name: `${surface}: chunked body cut off one byte over`,
      send: () =>
        viaSocket(rawRequest('POST', path, `${headers}Transfer-Encoding: chunked\r\n`), `${(LIMIT + 1).toString(16)}\r\n`, Buffer.alloc(LIMIT + 1, 0x20)),
      status: 413,
      code: 'payload_too_large',
      message: /^Request body must be at most 1 MiB \(1048576 bytes\)/,
    },
  );
}

/** Requests Node's HTTP parser refuses before any handler runs. */
const wireCases: Case[] = [
  {
    name: 'headers over the limit (REST)',
    send: () => viaSocket(`GET /v1/me HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`),
    status: 431,
    code: 'request_header_too_large',
    message: /headers must be at most \d+ bytes/,
  },
  {
    name: 'a GraphQL GET too long for the headers',
    send: () => viaSocket(`GET /graphql?query=${'%7B'.repeat(7000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`),
    status: 431,
    code: 'request_header_too_large',
    message: /headers must be at most \d+ bytes/,
  },
  {
    name: 'an invalid method token',
    send: () => viaSocket('G@T /v1/me HTTP/1.1\r\nHost: localhost\r\n\r\n'),
    status: 400,
    code: 'validation_error',
    message: /malformed/,
  },
  {
    name: 'a non-numeric Content-Length',
    send: () => viaSocket('POST /v1/api-keys HTTP/1.1\r\nHost: localhost\r\nContent-Length: ten\r\n\r\n'),
    status: 400,
    code: 'validation_error',
    message: /malformed/,
  },
  {
    name: 'a NUL in a header',
    send: () => viaSocket('GET /v1/me HTTP/1.1\r\nHost: localhost\r\nIdempotency-Key: a\0b\r\n\r\n'),
    status: 400,
    code: 'validation_error',
    message: /malformed/,
  },
  {
    name: 'not HTTP at all',
    send: () => viaSocket('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n'),
    status: 400,
    code: 'validation_error',
    message: /malformed/,
  },
];

function expectCatalogAnswer(a: Answer, c: Case) {
  if (process.env.DUMP) console.log(c.name, '=>', a.status, a.text.slice(0, 300));
  expect(a.status, a.text).not.toBe(500);
  expect(a.headers['content-type'], a.text).toMatch(/^application\/(graphql-response\+)?json/);
  const err = errorOf(a);
  expect(Object.keys(ERROR_STATUS), a.text).toContain(err.code);
  expect({ status: a.status, code: err.code }, a.text).toEqual({ status: c.status, code: c.code });
  expect(err.message).toMatch(c.message);
}

describe('hostile input', () => {
  describe.each([
    ['REST', restCases],
    ['GraphQL', graphqlCases],
    ['body limit', limitCases],
    ['HTTP parser', wireCases],
  ] as const)('%s', (_surface, cases) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      expectCatalogAnswer(await c.send(), c);
    });
  });

  it('closes the connection after a 413 instead of reading the rest', async () => {
    const a = await viaSocket(rawRequest('POST', '/v1/api-keys', `Content-Type: application/json\r\nContent-Length: ${25_000_000}\r\n`));
    expect(a.status).toBe(413);
    expect(a.headers.connection).toBe('close');
  });

  it('lets a client that sends a whole oversized body read the 413', async () => {
    const big = Buffer.alloc(4 * LIMIT, 0x20);
    for (const headers of [json, browser]) {
      for (const path of ['/graphql', '/v1/api-keys']) {
        const a = await viaFetch('POST', path, { headers, body: big });
        expect(errorOf(a).code).toBe('payload_too_large');
      }
    }
  });

  it('accepts a body of exactly the limit on every path', async () => {
    const rest = await post('/v1/api-keys', padded({ name: 'At the limit', permissions: ['read:contacts'] }, LIMIT));
    expect(rest.status).toBe(201);
    const body = padded({ query: '{ viewer { id } }' }, LIMIT);
    for (const headers of [json, browser]) {
      const g = await post('/graphql', body, headers);
      expect(g.status).toBe(200);
      expect(g.json.data.viewer.id).toBe(tenant.keyId);
    }
  });

  /** Odd requests whose exact answer matters less than its shape: never a 500, always the catalog's envelope. */
  it.each([
    ['OPTIONS /v1/me', () => viaFetch('OPTIONS', '/v1/me')],
    ['DELETE /v1/me', () => viaFetch('DELETE', '/v1/me')],
    ['PATCH /graphql', () => viaFetch('PATCH', '/graphql', { headers: json, body: '{}' })],
    ['DELETE /graphql', () => viaFetch('DELETE', '/graphql')],
    ['bad percent-encoding in a path id', () => viaFetch('GET', '/v1/api-keys/%E0%A4%A')],
    ['invalid UTF-8 in a path id', () => viaFetch('GET', '/v1/api-keys/%FF%FE')],
    ['invalid UTF-8 in a query parameter', () => viaFetch('GET', '/v1/api-keys?name=%FF')],
    ['duplicate query parameters', () => viaFetch('GET', '/v1/api-keys?limit=1&limit=500&state=active&state=zombie')],
    ['a path id of 10,000 characters', () => viaFetch('GET', `/v1/api-keys/${'k'.repeat(10_000)}`)],
    ['application/xml', () => post('/v1/api-keys', '<key/>', { 'content-type': 'application/xml' })],
    ['multipart garbage to /graphql', () => post('/graphql', '--x\r\nnonsense', { 'content-type': 'multipart/form-data; boundary=x' })],
    [
      'form-encoded bad variables to /graphql',
      () => post('/graphql', 'query=%7B+viewer+%7B+id+%7D+%7D&variables=%7B', { 'content-type': 'application/x-www-form-urlencoded' }),
    ],
    ['application/graphql with NUL', () => post('/graphql', '{ node(id: "\\u0000") { id } }', { 'content-type': 'application/graphql' })],
    ['a huge Int literal', () => sendGql('{ apiKeys(first: 99999999999999) { edges { cursor } } }')],
    ['a huge Int variable', () => sendGql('query($n: Int) { apiKeys(first: $n) { edges { cursor } } }', { n: 1e300 })],
    [
      'deeply nested variables',
      () =>
        post(
          '/graphql',
          `{"query":"query($f: ApiKeyFilter) { apiKeys(filter: $f) { edges { cursor } } }","variables":{"f":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`,
        ),
    ],
    [
      'deeply nested variables (Yoga)',
      () =>
        post(
          '/graphql',
          `{"query":"query($f: [String]) { apiKeys(filter: {name: $f}) { edges { cursor } } }","variables":{"f":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
          browser,
        ),
    ],
    ['deeply nested unused variable', () => post('/graphql', `{"query":"{ viewer { id } }","variables":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`)],
    [
      'deeply nested input with an Idempotency-Key',
      () =>
        post(
          '/graphql',
          `{"query":"mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { secret } }","variables":{"in":{"name":"deep","permissions":["read:contacts"],"quotas":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`,
          { ...json, 'idempotency-key': 'deep-1' },
        ),
    ],
    ['variables an array', () => post('/graphql', JSON.stringify({ query: '{ viewer { id } }', variables: [1] }))],
    ['query a number', () => post('/graphql', JSON.stringify({ query: 42 }))],
    ['unknown top-level parameter', () => post('/graphql', JSON.stringify({ query: '{ viewer { id } }', mutation: 'x' }))],
    ['charset utf-16', () => post('/v1/api-keys', JSON.stringify(ok), { 'content-type': 'application/json; charset=utf-16' })],
    ['no key, NUL in path', () => viaFetch('GET', '/v1/api-keys/%00', { auth: false })],
    ['no key, GraphQL NUL', () => viaFetch('POST', '/graphql', { headers: json, auth: false, body: gqlBody('{ node(id: "\\u0000") { id } }') })],
  ] as const)('%s', async (_name, send) => {
    const a = await send();
    if (process.env.DUMP) console.log(_name, '=>', a.status, a.text.slice(0, 300));
    expect(a.status, a.text).toBeLessThan(500);
    if (a.status < 400 && !a.json?.errors) return;
    expect(a.json, a.text).toBeDefined();
    const err = errorOf(a);
    expect(Object.keys(ERROR_STATUS), a.text).toContain(err.code);
    expect(err.code, a.text).not.toBe('internal_error');
    expect(err.message, a.text).toBeTruthy();
    if (a.json?.error || a.status >= 400) expect(a.status === 200 || ERROR_STATUS[err.code as keyof typeof ERROR_STATUS] === a.status, a.text).toBe(true);
  });
});

/** Errors Yoga raises on paths the edge now closes first (its own 413) still map to the catalog, in one place. */
describe('catalog codes for GraphQL errors raised by Yoga, graphql-js and armor', () => {
  it.each([
    ['REQUEST_ENTITY_TOO_LARGE', { status: 413 }, 'payload_too_large', 413],
    ['OPERATION_RESOLUTION_FAILURE', { status: 400 }, 'validation_error', 400],
    ['BAD_REQUEST', { status: 405, headers: { Allow: 'GET, POST' } }, 'method_not_allowed', 405],
    [undefined, { status: 415 }, 'unsupported_media_type', 415],
    ['GRAPHQL_PARSE_FAILED', { status: 400, spec: true }, 'validation_error', 400],
    ['GRAPHQL_VALIDATION_FAILED', undefined, 'validation_error', undefined],
    ['SOMETHING_NEW', undefined, 'validation_error', undefined],
    ['query_too_complex', { status: 400, spec: true }, 'query_too_complex', 400],
  ] as const)('%s (HTTP %j) is %s', (foreign, http, code, status) => {
    const e = new GraphQLError('x', { extensions: { ...(foreign ? { code: foreign } : {}), ...(http ? { http } : {}) } });
    assignCatalogCodes({ errors: [e] });
    expect(e.extensions.code).toBe(code);
    const h = e.extensions.http as { status?: number; spec?: boolean } | undefined;
    expect(h?.status).toBe(status);
    // Request-level codes keep the catalog's status under application/json too.
    if (code === 'payload_too_large' || code === 'query_too_complex') expect(h?.spec).toBeUndefined();
  });
});
