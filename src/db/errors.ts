/**
 * Database faults a caller can do nothing about but retry: the server restarting, a connection
 * killed or refused, a bound running out. The domain's catalog turns them into 503
 * service_unavailable with Retry-After (catalogError), instead of 500 internal_error, which is
 * kept for bugs.
 */

/** Socket errors of a refused, reset or unreachable server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** postgres.js's own connection errors, and ours (DB_TIMEOUT: a bound of this module's callers ran out). */
const DRIVER_CODES = new Set(['CONNECTION_ENDED', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'DB_TIMEOUT']);
/**
 * SQLSTATEs: 57P01 admin_shutdown (pg_terminate_backend, a restart), 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up), 57014 query_canceled (statement_timeout), 53300
 * too_many_connections; class 08 is connection exceptions.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '53300']);

export const DB_RETRY_AFTER_SECONDS = 2;

/** True when `err` (or an error it wraps, e.g. drizzle's "Failed query") is a database outage rather than a bug. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (SOCKET_CODES.has(code) || DRIVER_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}

/** The database error with SQLSTATE `code` that `err` is or wraps (drizzle wraps the driver's), with its detail; undefined when none. */
export function sqlError(err: unknown, code: string): { detail?: string } | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === code) {
      const detail = (e as { detail?: unknown }).detail;
      return { detail: typeof detail === 'string' ? detail : undefined };
    }
  }
  return undefined;
}

/** An error carrying DB_TIMEOUT, for a bound that ran out on a database wait. */
export function dbTimeout(message: string): Error {
  return Object.assign(new Error(message), { code: 'DB_TIMEOUT' });
}

/** Rejects with `onTimeout()` if `work` has not settled within `ms`; the timer never keeps the process alive. */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
