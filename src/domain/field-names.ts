import type { ApiError } from './errors.js';

/**
 * The domain names fields in camelCase; REST bodies and the CLI's import files spell them in
 * snake_case. These convert at the edge, both ways.
 */

/** Body fields are camelCase paths in the domain (e.g. quotas.daily); header names are left as they are. */
const snake = (s: string) => (/^[a-z][A-Za-z0-9.]*$/.test(s) ? s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : s);

/** An error's message with its field named as a snake_case client sent it (`expires_at must be …`). */
export function snakeMessage(err: ApiError): string {
  return err.field && err.message.startsWith(err.field) ? snake(err.field) + err.message.slice(err.field.length) : err.message;
}

/** snake_case as REST spells it; anything else (`__proto__`, `Name`) is left as sent so errors name it as sent. */
const SNAKE_KEY = /^[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)+$/;

/** snake_case top-level keys to the domain's camelCase. Top level only: nested objects use one-word keys. */
export function camelizeKeys(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([k, v]) => [
      SNAKE_KEY.test(k) ? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : k,
      v,
    ]),
  );
}
