import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError, getOperationAST, Kind, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { requireScope, type ServiceContextFactory } from '../domain/context.js';
import { ApiError, catalogError } from '../domain/errors.js';
import type { RequestState } from '../gateway/gateway.js';
import { buildContext, type GraphQLContext, type ServerContext } from './context.js';
import { MAX_POINTS, operationCost } from './cost.js';
import { assignCatalogCodes, toGraphQLError } from './error-codes.js';
import { refuseNul, requestGuard } from './input-guard.js';
import { IntrospectionCache } from './introspection-cache.js';
import { declaredOperations } from './operations.js';
import { reportsCredits, strictestClass } from '../operations/index.js';
import { idempotencyKeyOf } from '../gateway/idempotency-header.js';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { schema } from './schema.js';

function isIntrospectionOnly(op: OperationDefinitionNode | null | undefined): boolean {
  return !!op && op.operation === 'query' && op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

/**
 * Introspection without a key, answered from the cache when the same request was answered
 * before: looked up before parsing, so a flood of it costs a map lookup each, not an execution.
 */
function introspectionCachePlugin(cache: IntrospectionCache): Plugin<GraphQLContext> {
  /** The cache key of each request without a key, from its params until it is executed. */
  const keys = new WeakMap<RequestState, string>();
  return {
    onParams({ params, context, setResult }) {
      const state = (context as unknown as ServerContext).state;
      if (state.principal) return;
      const key = cache.key(params);
      if (key === null) return;
      const hit = cache.get(key);
      if (!hit) return void keys.set(state, key);
      state.operationType = 'query';
      state.operationName = hit.operationName;
      state.endpoint = `query ${hit.operationName ?? 'anonymous'}`;
      setResult(hit.result);
    },
    onExecute({ args }) {
      const state = args.contextValue.state;
      const key = keys.get(state);
      const op = getOperationAST(args.document, args.operationName);
      if (key === undefined || state.principal || !isIntrospectionOnly(op)) return;
      const name = op?.name?.value ?? args.operationName ?? null;
      return { onExecuteDone: ({ result }) => cache.set(key, result as ExecutionResult, name) };
    },
  };
}

/**
 * The gateway's GraphQL half, run once the operation is parsed and validated: names it for the
 * request log; lets only introspection through without a key (so GraphiQL can show the schema;
 * anything else is missing_auth, 401); prices it (see cost.ts) and admits it against quotas and
 * plan limits by that price, in the strictest limit class of the declared operations it
 * selects; refuses it whole when the key lacks the scope of any of them; reads Idempotency-Key
 * for those that honour it and answers Idempotent-Replayed; reports the price and the credits
 * spent in `extensions`.
 */
const gatewayPlugin: Plugin<GraphQLContext> = {
  onExecute({ args, setResultAndStopExecution }) {
    const ctx = args.contextValue;
    const op = getOperationAST(args.document, args.operationName);
    const state = ctx.state;
    state.operationType = op?.operation ?? null;
    state.operationName = op?.name?.value ?? args.operationName ?? null;
    state.endpoint = `${state.operationType ?? 'operation'} ${state.operationName ?? 'anonymous'}`;
    const refuse = (err: unknown) => {
      const known = catalogError(err);
      if (!known) throw err;
      ctx.gateway.recordError(state, known);
      setResultAndStopExecution({ errors: [toGraphQLError(known)] });
    };
    if (!state.principal) {
      if (isIntrospectionOnly(op)) return;
      return ctx.gateway.authenticate(state, undefined).then(() => undefined, refuse);
    }
    if (!op) return;
    const cost = operationCost(args.schema, args.document, op, (args.variableValues ?? {}) as Record<string, unknown>);
    if (cost.points > MAX_POINTS) {
      return refuse(
        new ApiError('query_too_complex', `Query cost ${cost.points} exceeds the maximum of ${MAX_POINTS} points (${cost.nodes} nodes); ask for smaller pages`),
      );
    }
    const principal = state.principal;
    const declared = declaredOperations(args.schema, args.document, op);
    const reportCredits = declared.some(reportsCredits);
    const admit = async () => {
      await ctx.gateway.admit(state, ctx.res, principal, strictestClass(declared), cost.points);
      for (const d of declared) if (d.scope) requireScope(ctx.service(), d.scope);
      state.idempotencyKey = declared.some((d) => d.idempotent) ? idempotencyKeyOf(ctx.requestHeaders) : null;
    };
    return admit().then(
      () => ({
        onExecuteDone({ result, setResult }: { result: unknown; setResult: (r: ExecutionResult) => void }) {
          const r = result as ExecutionResult;
          if (r.errors?.length) state.errorCode = errorCodeOf(r.errors[0]!);
          if (state.replayed) ctx.res.setHeader('Idempotent-Replayed', 'true');
          const extensions: Record<string, unknown> = { ...r.extensions, cost: { nodes: cost.nodes, points: cost.points } };
          if (reportCredits || state.credits > 0) extensions.credits_used = state.credits;
          setResult({ ...r, extensions });
        },
      }),
      refuse,
    );
  },
};

/** Execution errors are not masked yet here: the code is on the domain error they wrap. */
function errorCodeOf(e: GraphQLError): string {
  const known = e.originalError ? catalogError(e.originalError) : undefined;
  if (known) return known.code;
  return typeof e.extensions?.code === 'string' ? e.extensions.code : 'internal_error';
}

/** Armor's refusals are the catalog's query_too_complex. */
const tagComplexity = [
  (_ctx: unknown, error: GraphQLError) => Object.assign(error.extensions as Record<string, unknown>, { code: 'query_too_complex', http: { status: 400 } }),
];
const armor = [
  maxDepthPlugin({ n: 10, onReject: tagComplexity, exposeLimits: true }),
  maxAliasesPlugin({ n: 15, onReject: tagComplexity, exposeLimits: true }),
  maxTokensPlugin({ n: 3000, onReject: tagComplexity, exposeLimits: true }),
];

const codeEveryError: Plugin = {
  onResultProcess({ result }) {
    assignCatalogCodes(result as ExecutionResult);
  },
};

export interface GraphQLServerOptions {
  /** The body limit app.ts enforces before Yoga; Yoga's own check (default 25 MB) is set to match. */
  maxBodyBytes: number;
  /** Answers to introspection without a key. */
  introspection?: IntrospectionCache;
  /** The app's factory of ServiceContexts: a request adds only its caller and record. */
  contexts: ServiceContextFactory;
}

export function createGraphQLServer(onUnexpected: (err: unknown) => void, opts: GraphQLServerOptions): YogaServerInstance<ServerContext, GraphQLContext> {
  let page: string | undefined;
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: false,
    context: ({ gateway, state, res, requestHeaders }) => buildContext({ gateway, state, res, requestHeaders }, opts.contexts),
    graphiql: {
      title: 'Workspace API',
      defaultQuery:
        '# Set the header {"Authorization": "Bearer wbk_live_…"} below, then run:\n{\n  viewer {\n    id\n    name\n    permissions\n    workspace { id name plan { name } }\n  }\n}\n',
      headers: JSON.stringify({ Authorization: 'Bearer ' }),
    },
    // The assets are inlined from the package: GraphiQL works with no internet access.
    renderGraphiQL: (opts) => (page ??= renderGraphiQL(opts)),
    maskedErrors: {
      maskError(error) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        const known = original ? catalogError(original) : undefined;
        if (known) return toGraphQLError(known, error instanceof GraphQLError ? error : undefined);
        if (original instanceof GraphQLError || (error instanceof GraphQLError && !error.originalError)) return error as GraphQLError;
        onUnexpected(original ?? error);
        return new GraphQLError('Internal error', {
          nodes: error instanceof GraphQLError ? error.nodes : undefined,
          path: error instanceof GraphQLError ? error.path : undefined,
          extensions: { code: 'internal_error' },
        });
      },
    },
    // Yoga's default: no batching. One operation per HTTP request, so each is authenticated, limited and logged alone.
    batching: false,
    maxRequestBodySize: opts.maxBodyBytes,
    plugins: [...armor, introspectionCachePlugin(opts.introspection ?? new IntrospectionCache()), gatewayPlugin, refuseNul, requestGuard, codeEveryError],
  });
}
