import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import DataLoader from 'dataloader';
import { visibleWorkspaces, type ServiceContext, type ServiceContextFactory, type WorkspaceInfo } from '../domain/context.js';
import { errors } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { Gateway, RequestState } from '../gateway/gateway.js';

/** What the node handler hands Yoga for each request. */
export interface ServerContext {
  gateway: Gateway;
  state: RequestState;
  res: ServerResponse;
  /** The HTTP request's headers; the gateway plugin reads Idempotency-Key from them for operations that honour it. */
  requestHeaders: IncomingHttpHeaders;
}

export interface GraphQLContext extends ServerContext {
  /** The authenticated caller; throws missing_auth when the request carried no key. */
  principal(): Principal;
  service(): ServiceContext;
  workspaces(): DataLoader<string, WorkspaceInfo | undefined>;
}

/**
 * Loaders and the service context are built on first use: most requests need none of them.
 * Methods, not getters: Yoga copies the context's properties, which would run getters eagerly.
 * Workspaces load from the directory, as REST's /v1/me reads them.
 */
export function buildContext(server: ServerContext, contexts: ServiceContextFactory): GraphQLContext {
  let service: ServiceContext | undefined;
  let ws: DataLoader<string, WorkspaceInfo | undefined> | undefined;
  const ctx: GraphQLContext = {
    ...server,
    principal() {
      const p = server.state.principal;
      if (!p) throw errors.missingAuth();
      return p;
    },
    service() {
      return (service ??= contexts(ctx.principal(), server.state));
    },
    workspaces() {
      return (ws ??= new DataLoader((ids) => visibleWorkspaces(ctx.service(), ids)));
    },
  };
  return ctx;
}
