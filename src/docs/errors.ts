import { ERROR_STATUS, type ErrorCode } from '../domain/errors.js';

/**
 * What the reference says of each catalog code: when it happens and the message a caller reads
 * (`<…>` stands for the part that varies). Keyed by every code, so a new code without its
 * documentation fails the typecheck.
 */
export const ERROR_DOCS = {
  missing_auth: { when: 'No `Authorization: Bearer …` header, or one that is not a bearer token.', message: 'Missing or invalid Authorization header' },
  invalid_key: { when: 'The bearer token is not a key of this service.', message: 'Invalid API key' },
  inactive_key: { when: 'The key was deactivated; it can be reactivated.', message: 'API key is inactive' },
  expired_key: { when: 'The key is past its expires_at.', message: 'API key has expired' },
  revoked_key: { when: 'The key was revoked (or rotated and its grace period is over).', message: 'API key has been revoked' },
  insufficient_permissions: { when: 'The key lacks the scope the operation needs.', message: 'Missing required permission: <scope>' },
  ip_blocked: { when: 'Too many failed authentications from the address; Retry-After says when to try again.', message: 'IP temporarily blocked' },
  validation_error: {
    when: 'A body field, query or path parameter is missing, of the wrong type or out of range; the message names it.',
    message: '<field> <what is wanted>',
  },
  query_too_complex: {
    when: 'GraphQL only: a query over the depth, alias or token limits.',
    message: 'Query cost <n> exceeds the maximum of <max> points (<nodes> nodes); ask for smaller pages',
  },
  not_found: {
    when: "The id names nothing in the caller's workspace (another workspace's ids included), or the route does not exist.",
    message: '<Thing> not found',
  },
  method_not_allowed: { when: 'The path exists but not with this method; Allow lists the methods.', message: '<METHOD> is not allowed on <path>' },
  duplicate_name: {
    when: 'An active key of the workspace already has this name.',
    message: 'An active API key named "<name>" already exists in this workspace',
  },
  invalid_state: { when: "The key's state does not allow the change (e.g. reactivating a revoked key).", message: 'Says which state and why' },
  key_in_use: {
    when: 'Deleting a key that has request history.',
    message: 'API key has request history and cannot be deleted; deactivate or revoke it instead',
  },
  idempotency_in_flight: {
    when: 'A request with the same Idempotency-Key is still running.',
    message: 'A request with this Idempotency-Key is still being processed; retry shortly',
  },
  idempotency_mismatch: {
    when: 'An Idempotency-Key reused with a different body.',
    message: 'Idempotency-Key was already used with a different request; use a new key for a new request',
  },
  insufficient_credits: {
    when: "The workspace's credit balance cannot cover the operation's cost; nothing is charged.",
    message: 'Insufficient credits: this request costs <n> credits and the balance is <b>',
  },
  rate_limited: {
    when: "Over one of the plan's windows for the operation's limit class; Retry-After says when a slot frees.",
    message: 'Rate limit exceeded: <window and limit>. Resets at <time>',
  },
  quota_exceeded: {
    when: "Over one of the key's own quotas (total, daily, weekly, monthly); Retry-After unless the quota never frees.",
    message: 'Names the quota, its limit and when it frees',
  },
  payload_too_large: { when: 'A body over the size limit, refused before it is read.', message: 'Request body must be at most <size>; send less per request' },
  unsupported_media_type: { when: 'A body that is not application/json.', message: 'Request body must be JSON, sent with Content-Type: application/json' },
  request_header_too_large: { when: "Request headers over the server's limit.", message: 'Request headers too large' },
  internal_error: { when: 'A fault of ours; the message quotes the request id to report.', message: 'Internal error; quote request id <id> when reporting it' },
  service_unavailable: {
    when: 'The database is unreachable or restarting; safe to retry after Retry-After.',
    message: '<what is unavailable>; retry in a few seconds',
  },
} as const satisfies Record<ErrorCode, { when: string; message: string }>;

/** The catalog as a Markdown table, for the reference's introduction. */
export function errorCatalogMarkdown(): string {
  const rows = (Object.keys(ERROR_STATUS) as ErrorCode[]).map((c) => `| \`${c}\` | ${ERROR_STATUS[c]} | ${ERROR_DOCS[c].when} | ${ERROR_DOCS[c].message} |`);
  return ['| Code | Status | When | Message |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
