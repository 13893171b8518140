import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceContext } from '../domain/context.js';
import { errors } from '../domain/errors.js';
import type { RequestState } from '../gateway/gateway.js';
import type { Operation } from '../operations/index.js';

export interface RestCall {
  ctx: ServiceContext;
  params: Readonly<Record<string, string | undefined>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  state: RequestState;
  /** The parsed JSON body, camelCased at the top level; `{}` when the request had none. */
  body(): Promise<unknown>;
  /** The Idempotency-Key header, read by the router for an operation that honours it; else null. */
  idempotencyKey: string | null;
}

export interface RestRoute {
  method: Operation['rest']['method'];
  path: string;
  /** The declaration the router enforces: scope, limit class, Idempotency-Key, credits reporting. */
  operation: Operation;
  /** Parses the call, runs the domain function and serialises its result: the JSON body of success. */
  handler(call: RestCall): Promise<unknown>;
}

/** The route of `operation`, at its declared method and path. */
export function restRoute(operation: Operation, handler: RestRoute['handler']): RestRoute {
  const { rest } = operation;
  return { method: rest.method, path: rest.path, operation, handler };
}

/** A whole-number query parameter within bounds, `def` when absent. */
export function intParam(c: RestCall, name: string, def: number, min: number, max: number): number {
  const raw = c.query.get(name);
  if (raw === null) return def;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw errors.validation(name, `must be a whole number from ${min} to ${max}`);
  return n;
}

export function optionalParam(c: RestCall, name: string): string | undefined {
  return c.query.get(name) ?? undefined;
}

/**
 * A page of a newest-first list whose cursors are row ids: asks for one row more than the
 * page to learn whether another follows.
 */
export async function pageByCursor<T extends { id: string }>(
  c: RestCall,
  load: (page: { after?: string; limit: number }) => Promise<T[]>,
  render: (row: T) => unknown,
) {
  const limit = intParam(c, 'limit', 20, 1, 100);
  const rows = await load({ after: optionalParam(c, 'cursor'), limit: limit + 1 });
  const page = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return { data: page.map(render), has_more: hasMore, next_cursor: hasMore ? page[page.length - 1]!.id : null };
}
