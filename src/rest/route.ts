import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { ServiceContext } from '../domain/context.js';
import type { LimitClass } from '../domain/limits/policy.js';
import type { RequestState } from '../gateway/gateway.js';

export interface RestCall {
  ctx: ServiceContext;
  params: Readonly<Record<string, string | undefined>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  state: RequestState;
  /** The parsed JSON body, camelCased at the top level; `{}` when the request had none. */
  body(): Promise<unknown>;
}

export interface RestReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What /api-docs says about a route; the route table is the one source of the REST reference. */
export interface RouteDoc {
  summary: string;
  /** The scope the route needs; absent: any valid key. */
  scope?: string;
  /** The domain's input schema (camelCase; documented in REST's snake_case). */
  body?: z.ZodType;
  /** Query parameters and what they mean. */
  query?: Record<string, string>;
  /** Status of success. */
  status?: number;
}

export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  doc: RouteDoc;
  /** Endpoints with a limit class of their own (e.g. AI generation) name it here. */
  limitClass?: LimitClass;
  handler(call: RestCall): Promise<RestReply>;
}

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): RestReply => ({ status, body, headers });
