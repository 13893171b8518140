import type { IncomingMessage, ServerResponse } from 'node:http';
import findMyWay, { type HTTPVersion } from 'find-my-way';
import { requireScope, type ServiceContextFactory } from '../domain/context.js';
import { ApiError, catalogError, errors } from '../domain/errors.js';
import type { Gateway } from '../gateway/gateway.js';
import { NUL_PROBLEM } from '../domain/validation.js';
import { reportsCredits } from '../operations/index.js';
import { idempotencyKeyOf } from '../gateway/idempotency-header.js';
import { assertDeclaredLength } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import { objectBody, readJsonBody, sendError } from './http.js';
import type { RestRoute } from './route.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { leadRoutes } from './routes/leads.js';
import { logRoutes } from './routes/logs.js';
import { meRoutes } from './routes/me.js';
import { operatorRoutes } from './routes/operator.js';

export const REST_ROUTES: readonly RestRoute[] = [...meRoutes, ...apiKeyRoutes, ...logRoutes, ...leadRoutes, ...operatorRoutes];

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export interface RestOptions {
  maxBodyBytes: number;
  /** The app's factory of ServiceContexts: the handler adds only the request's caller and record. */
  contexts: ServiceContextFactory;
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

/** What a successful answer reports beyond the handler's body: the credits the call spent, when its operation reports them (reportsCredits). */
function withCredits(body: unknown, credits: number): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return { ...body, credits_used: credits };
}

/**
 * The v1 shim: route, then the gateway's one enforcement path (request id, IP block, bearer
 * key, limits in the operation's class), then the operation's declared scope, then a domain
 * function (which checks its scope again), then the catalog's envelope for whatever went wrong.
 * The Idempotency-Key header is read and Idempotent-Replayed answered here, for every
 * operation that honours it.
 */
export function createRestHandler(gateway: Gateway, onUnexpected: (err: unknown) => void, opts: RestOptions): Handler {
  const router = findMyWay<HTTPVersion.V1>({ ignoreTrailingSlash: true, caseSensitive: true });
  for (const route of REST_ROUTES) {
    router.on(route.method, route.path, () => {}, route);
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
      const { operation } = route;
      const principal = await gateway.authenticate(state, req.headers.authorization);
      await gateway.admit(state, res, principal, operation.limitClass, 1);
      state.idempotencyKey = operation.idempotent ? idempotencyKeyOf(req.headers) : null;
      const ctx = opts.contexts(principal, state);
      if (operation.scope) requireScope(ctx, operation.scope);
      assertNoNulInUrl(found.params, url.searchParams);
      let parsed: Promise<unknown> | undefined;
      const body = await route.handler({
        ctx,
        params: found.params,
        query: url.searchParams,
        headers: req.headers,
        state,
        body: () => (parsed ??= readJsonBody(req, opts.maxBodyBytes).then((b) => objectBody(b, operation.input))),
      });
      if (state.replayed) res.setHeader('Idempotent-Replayed', 'true');
      sendJson(res, operation.rest.status ?? 200, reportsCredits(operation) ? withCredits(body, state.credits) : body);
    } catch (err) {
      gateway.recordError(state, err);
      // A replayed refusal says so too.
      if (state.replayed) res.setHeader('Idempotent-Replayed', 'true');
      const known = catalogError(err);
      if (known) return sendError(res, known, route?.operation.input);
      onUnexpected(err);
      sendError(res, new ApiError('internal_error', `Internal error; quote request id ${state.requestId} when reporting it`));
    }
  };
}
