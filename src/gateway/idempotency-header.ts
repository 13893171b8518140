import type { IncomingHttpHeaders } from 'node:http';

/**
 * The Idempotency-Key a request carries, read the same way for both surfaces; a repeated header
 * (an array) is no key at all rather than a guess at which one was meant.
 */
export function idempotencyKeyOf(headers: IncomingHttpHeaders): string | null {
  const value = headers['idempotency-key'];
  return typeof value === 'string' ? value : null;
}
