import type { IncomingMessage, ServerResponse } from 'node:http';
import findMyWay, { type HTTPVersion } from 'find-my-way';
import { catalogError } from '../db/errors.js';
import { ApiError, errors } from '../domain/errors.js';
import type { Gateway } from '../gateway/gateway.js';
import { findNul, NUL_PROBLEM, nulError } from '../domain/validation.js';
import { assertDeclaredLength, camelizeKeys, readJsonBody, sendError, sendJson } from './http.js';
import type { RestRoute } from './route.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { logRoutes } from './routes/logs.js';
import { meRoutes } from './routes/me.js';
import { operatorRoutes } from './routes/operator.js';

export const REST_ROUTES: readonly RestRoute[] = [...meRoutes, ...apiKeyRoutes, ...logRoutes, ...operatorRoutes];

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export interface RestOptions {
  maxBodyBytes: number;
}

/**
 * PostgreSQL refuses NUL in text, so every string a caller sends is checked here, at the edge,
 * naming the field as REST spells it: path parameters, query parameters, then the JSON body.
 */
function assertNoNulInUrl(params: Readonly<Record<string, string | undefined>>, query: URLSearchParams): void {
  for (const [name, value] of Object.entries(params)) if (value?.includes('\0')) throw errors.validation(name, NUL_PROBLEM);
  for (const [name, value] of query) {
    if (name.includes('\0')) throw errors.validation('query parameter names', NUL_PROBLEM);
    if (value.includes('\0')) throw errors.validation(name, NUL_PROBLEM);
  }
}

/** No body reads as `{}`; a body that is not a JSON object (`null`, `[]`, `3`) is refused, not taken for `{}`. */
function objectBody(body: unknown): unknown {
  if (body === undefined) return {};
  const nul = findNul(body);
  if (nul) throw nulError(nul, 'body');
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.validation('body', 'must be a JSON object');
  return camelizeKeys(body);
}

/**
 * The v1 shim: route, then the gateway's one enforcement path (request id, IP block, bearer
 * key), then a domain function, then the catalog's envelope for whatever went wrong.
 */
export function createRestHandler(gateway: Gateway, onUnexpected: (err: unknown) => void, opts: RestOptions): Handler {
  const router = findMyWay<HTTPVersion.V1>({ ignoreTrailingSlash: true, caseSensitive: true });
  const allowed = new Map<string, string[]>();
  for (const route of REST_ROUTES) {
    router.on(route.method, route.path, () => {}, route);
    allowed.set(route.path, [...(allowed.get(route.path) ?? []), route.method]);
  }

  return async (req, res, url) => {
    const method = req.method ?? 'GET';
    const found = router.find(method as 'GET', url.pathname);
    const route = found?.store as RestRoute | undefined;
    const state = gateway.begin(req, res, route ? `${method} ${route.path}` : `${method} ${url.pathname}`);
    try {
      assertDeclaredLength(req, opts.maxBodyBytes);
      if (!found || !route) {
        const anyMethod = REST_ROUTES.filter((r) => router.find(r.method, url.pathname)?.store === r);
        if (anyMethod.length) {
          throw new ApiError('method_not_allowed', `${method} is not allowed on ${url.pathname}`, {
            Allow: anyMethod.map((r) => r.method).join(', '),
          });
        }
        throw errors.notFound(`Route ${method} ${url.pathname}`);
      }
      const principal = await gateway.authenticate(state, req.headers.authorization);
      await gateway.admit(state, res, principal, route.limitClass ?? 'default', 1);
      assertNoNulInUrl(found.params, url.searchParams);
      let parsed: Promise<unknown> | undefined;
      const reply = await route.handler({
        ctx: gateway.context(principal, state),
        params: found.params,
        query: url.searchParams,
        headers: req.headers,
        state,
        body: () => (parsed ??= readJsonBody(req, opts.maxBodyBytes).then(objectBody)),
      });
      sendJson(res, reply.status, reply.body, reply.headers);
    } catch (err) {
      gateway.recordError(state, err);
      const known = catalogError(err);
      if (known) return sendError(res, known);
      onUnexpected(err);
      sendError(res, new ApiError('internal_error', `Internal error; quote request id ${state.requestId} when reporting it`));
    }
  };
}
