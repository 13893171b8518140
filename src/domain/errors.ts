import { DB_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/errors.js';

/**
 * The error catalog (DESIGN.md). Every failure a caller can see is one of these codes; both
 * surfaces render the same code, status and message.
 */
export const ERROR_STATUS = {
  missing_auth: 401,
  invalid_key: 401,
  inactive_key: 401,
  expired_key: 401,
  revoked_key: 401,
  insufficient_permissions: 403,
  ip_blocked: 403,
  validation_error: 400,
  query_too_complex: 400,
  not_found: 404,
  method_not_allowed: 405,
  duplicate_name: 409,
  invalid_state: 409,
  key_in_use: 409,
  idempotency_in_flight: 409,
  idempotency_mismatch: 422,
  insufficient_credits: 402,
  rate_limited: 429,
  quota_exceeded: 429,
  /** A request body over the size limit, refused before it is buffered. */
  payload_too_large: 413,
  /** A body in a media type the endpoint does not read. */
  unsupported_media_type: 415,
  /** Request headers over the server's limit. */
  request_header_too_large: 431,
  internal_error: 500,
  /** A dependency (the database) is unreachable or restarting; safe to retry. */
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Codes whose HTTP status GraphQL also sets: the request itself was refused. */
export const REQUEST_LEVEL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'missing_auth',
  'invalid_key',
  'inactive_key',
  'expired_key',
  'revoked_key',
  'ip_blocked',
  'rate_limited',
  'quota_exceeded',
  'query_too_complex',
  'payload_too_large',
  'unsupported_media_type',
  'request_header_too_large',
  'service_unavailable',
]);

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
    /** For validation errors: the offending field, as a path in the domain's camelCase. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

export const errors = {
  missingAuth: () => new ApiError('missing_auth', 'Missing or invalid Authorization header'),
  invalidKey: () => new ApiError('invalid_key', 'Invalid API key'),
  inactiveKey: () => new ApiError('inactive_key', 'API key is inactive'),
  expiredKey: () => new ApiError('expired_key', 'API key has expired'),
  revokedKey: () => new ApiError('revoked_key', 'API key has been revoked'),
  ipBlocked: (retryAfterSeconds: number) => new ApiError('ip_blocked', 'IP temporarily blocked', { 'Retry-After': String(retryAfterSeconds) }),
  missingPermission: (scope: string) => new ApiError('insufficient_permissions', `Missing required permission: ${scope}`),
  notFound: (what: string) => new ApiError('not_found', `${what} not found`),
  /** `field` is a camelCase path; the REST surface renders it in snake_case. */
  validation: (field: string, problem: string) => new ApiError('validation_error', `${field} ${problem}`, {}, field),
  /**
   * A validation error of `from`, or of a field inside it, as a surface names that field
   * (`cursor` is GraphQL's `after`, `filters.near` its `filter.near`); `err` itself when it is
   * about another field.
   */
  renamed: (err: unknown, from: string, to: string): unknown => {
    if (!(err instanceof ApiError) || err.code !== 'validation_error' || !err.field) return err;
    const inside = err.field === from || err.field.startsWith(`${from}.`);
    if (!inside || !err.message.startsWith(`${err.field} `)) return err;
    const field = to + err.field.slice(from.length);
    return errors.validation(field, err.message.slice(err.field.length + 1));
  },
  duplicateName: (name: string) => new ApiError('duplicate_name', `An active API key named "${name}" already exists in this workspace`),
  invalidState: (message: string) => new ApiError('invalid_state', message),
  keyInUse: () => new ApiError('key_in_use', 'API key has request history and cannot be deleted; deactivate or revoke it instead'),
};

export function serviceUnavailable(what = 'The database is unavailable'): ApiError {
  return new ApiError('service_unavailable', `${what}; retry in a few seconds`, { 'Retry-After': String(DB_RETRY_AFTER_SECONDS) });
}

/** The catalog error for `err` when it has one: itself, or 503 for a database outage; undefined for a bug. */
export function catalogError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (isDatabaseUnavailable(err)) return serviceUnavailable();
  return undefined;
}
