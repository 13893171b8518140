import type { IncomingMessage, ServerResponse } from 'node:http';
import findMyWay, { type HTTPVersion } from 'find-my-way';
import { catalogError } from '../db/errors.js';
import { ApiError, errors } from '../domain/errors.js';
import type { Gateway } from '../gateway/gateway.js';
import { camelizeKeys, readJsonBody, sendError, sendJson } from './http.js';
import type { RestRoute } from './route.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { logRoutes } from './routes/logs.js';
import { meRoutes } from './routes/me.js';

export const REST_ROUTES: readonly RestRoute[] = [...meRoutes, ...apiKeyRoutes, ...logRoutes];

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/**
 * The v1 shim: route, then the gateway's one enforcement path (request id, IP block, bearer
 * key), then a domain function, then the catalog's envelope for whatever went wrong.
 */
export function createRestHandler(gateway: Gateway, onUnexpected: (err: unknown) => void): Handler {
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
      let parsed: Promise<unknown> | undefined;
      const reply = await route.handler({
        ctx: gateway.context(principal, state),
        params: found.params,
        query: url.searchParams,
        headers: req.headers,
        state,
        body: () => (parsed ??= readJsonBody(req).then((b) => camelizeKeys(b ?? {}))),
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
