import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { processRegularResult, type GraphQLParams, type YogaServerInstance } from 'graphql-yoga';
import { errors, type ApiError } from '../domain/errors.js';
import { isJsonType } from '../http/body.js';
import { closeUnread, sendJson } from '../http/respond.js';
import type { GraphQLContext, ServerContext } from './context.js';
import { assignCatalogCodes } from './error-codes.js';

/**
 * Whether a request has the common shape the fast path serves: a POST of a JSON body from a
 * non-browser client that accepts application/json. Decided on headers alone, before the body
 * is read, so anything else still goes to Yoga's full handler intact (GraphiQL, GET, CORS for
 * browsers, graphql-response+json, streaming).
 */
export function fastPathEligible(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.headers.origin !== undefined) return false;
  const type = req.headers['content-type'];
  // Exactly what app.ts parses as JSON; anything else goes to Yoga, which judges it.
  if (!isJsonType(type) || !/^application\/json/i.test(type!)) return false;
  const accept = req.headers.accept;
  if (accept === undefined || accept === '' || accept === '*/*') return true;
  return /application\/json|\*\/\*/i.test(accept) && !/graphql-response\+json|text\/event-stream|multipart\/mixed/i.test(accept);
}

interface Captured {
  body: string;
  init: { status: number; headers: Record<string, string> };
}

/** Captures what Yoga's result processor would send, without building a fetch Response. */
class CapturedResponse {
  readonly captured: Captured;
  constructor(body: string | null, init: { status?: number; headers?: Record<string, string> } = {}) {
    this.captured = { body: body ?? '', init: { status: init.status ?? 200, headers: init.headers ?? {} } };
  }
}

function send(res: ServerResponse, c: Captured): void {
  res.writeHead(c.init.status, { ...c.init.headers, 'Content-Length': Buffer.byteLength(c.body) });
  res.end(c.body);
}

/** A refusal of the HTTP request itself (body too large, not JSON), in GraphQL's envelope with the catalog's status. */
export function sendGraphQLError(res: ServerResponse, err: ApiError): void {
  if (err.code === 'payload_too_large') closeUnread(res);
  const extensions = { code: err.code, ...(err.field ? { field: err.field } : {}) };
  sendJson(res, err.status, { errors: [{ message: err.message, extensions }] }, { ...err.headers });
}

/**
 * GraphQL without the fetch-API round trip: Yoga's HTTP adapter costs about fifteen times
 * what parsing, validating and executing `{ viewer { id } }` does. The operation still goes
 * through Yoga's own params hooks, envelop plugins (armor, masking, the gateway plugin) and
 * result processor, so responses are the ones Yoga would send.
 */
export function createFastPath(yoga: YogaServerInstance<ServerContext, GraphQLContext>) {
  const fetchAPI = { Response: CapturedResponse } as unknown as typeof yoga.fetchAPI;
  /** `params` is the request's JSON body, read and parsed within the body limit by the caller. */
  return async (params: unknown, res: ServerResponse, server: ServerContext): Promise<void> => {
    const refuse = (err: ApiError) => {
      server.gateway.recordError(server.state, err);
      sendGraphQLError(res, err);
    };
    if (Array.isArray(params)) return refuse(errors.validation('body', 'must be one operation: batching is not supported'));
    if (!params || typeof params !== 'object') return refuse(errors.validation('body', 'must be a JSON object such as {"query":"{ viewer { id } }"}'));

    // The pipeline reads nothing from the request but its method; a Request object is what costs.
    const request = { method: 'POST', url: '/graphql', headers: new Map() } as unknown as Request;
    const context = { ...server, request, params } as unknown as ServerContext;
    let result: ExecutionResult;
    try {
      result = (await yoga.getResultForParams({ params: params as GraphQLParams, request }, context)) as ExecutionResult;
    } catch (err) {
      // Yoga's params checks throw GraphQL errors (e.g. "Must provide query string."); its handler answers them as results.
      if (!(err instanceof GraphQLError)) throw err;
      result = { errors: [err] };
    }
    assignCatalogCodes(result);
    const response = processRegularResult(result, fetchAPI, 'application/json') as unknown as CapturedResponse;
    send(res, response.captured);
  };
}
