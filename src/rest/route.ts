import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceContext } from '../domain/context.js';
import type { PageQuery, PageResult } from '../domain/pagination.js';
import type { RequestState } from '../gateway/gateway.js';
import type { Operation } from '../operations/index.js';

export interface RestCall {
  ctx: ServiceContext;
  params: Readonly<Record<string, string | undefined>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  state: RequestState;
  /** The parsed JSON body, its field names camelCased at every depth (field-names.ts); `{}` when the request had none. */
  body(): Promise<unknown>;
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

export function optionalParam(c: RestCall, name: string): string | undefined {
  return c.query.get(name) ?? undefined;
}

/**
 * A numeric query parameter for the domain to judge: its number when it is all digits, NaN
 * (which the domain refuses, saying what it wants) when it is anything else.
 */
export function numberParam(c: RestCall, name: string): number | undefined {
  const raw = c.query.get(name);
  if (raw === null) return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
}

/** The page a list route is asked for (`?limit=&cursor=`); the domain checks it. */
export const pageParams = (c: RestCall): PageQuery => ({ limit: numberParam(c, 'limit'), cursor: optionalParam(c, 'cursor') });

/** A page as REST sends it: `{"data": […], "has_more", "next_cursor"}`. */
export function restPage<T>(page: PageResult<T>, render: (row: T) => unknown) {
  return { data: page.items.map(render), has_more: page.hasMore, next_cursor: page.nextCursor };
}
