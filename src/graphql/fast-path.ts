import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { processRegularResult, type GraphQLParams, type YogaServerInstance } from 'graphql-yoga';
import type { GraphQLContext, ServerContext } from './context.js';
import { assignCatalogCodes } from './error-codes.js';

const MAX_BODY_BYTES = 1 << 20;

/**
 * Whether a request has the common shape the fast path serves: a POST of a JSON body from a
 * non-browser client that accepts application/json. Decided on headers alone, before the body
 * is read, so anything else still goes to Yoga's full handler intact (GraphiQL, GET, CORS for
 * browsers, graphql-response+json, streaming).
 */
export function fastPathEligible(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.headers.origin !== undefined) return false;
  const type = req.headers['content-type'];
  if (!type || !/^application\/json\b/i.test(type)) return false;
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

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, c: Captured): void {
  res.writeHead(c.init.status, { ...c.init.headers, 'Content-Length': Buffer.byteLength(c.body) });
  res.end(c.body);
}

function requestError(message: string, status: number): Captured {
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'validation_error' } }] });
  return { body, init: { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } } };
}

/**
 * GraphQL without the fetch-API round trip: Yoga's HTTP adapter costs about fifteen times
 * what parsing, validating and executing `{ viewer { id } }` does. The operation still goes
 * through Yoga's own params hooks, envelop plugins (armor, masking, the gateway plugin) and
 * result processor, so responses are the ones Yoga would send.
 */
export function createFastPath(yoga: YogaServerInstance<ServerContext, GraphQLContext>) {
  const fetchAPI = { Response: CapturedResponse } as unknown as typeof yoga.fetchAPI;
  return async (req: IncomingMessage, res: ServerResponse, server: ServerContext): Promise<void> => {
    const raw = await readBody(req);
    if (raw === null) return send(res, requestError('Request body is larger than 1 MiB', 413));
    let params: unknown;
    try {
      params = JSON.parse(raw);
    } catch {
      return send(res, requestError('POST body sent invalid JSON.', 400));
    }
    if (Array.isArray(params)) return send(res, requestError('Batching is not supported: send one operation per request', 400));
    if (!params || typeof params !== 'object') return send(res, requestError('POST body is expected to be a JSON object', 400));

    // The pipeline reads nothing from the request but its method; a Request object is what costs.
    const request = { method: 'POST', url: req.url ?? '/graphql', headers: new Map() } as unknown as Request;
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
