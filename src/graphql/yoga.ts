import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError, getOperationAST, Kind, type DocumentNode, type ExecutionResult } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { ApiError, REQUEST_LEVEL_CODES } from '../domain/errors.js';
import { buildContext, type GraphQLContext, type ServerContext } from './context.js';
import { schema } from './schema.js';

/** The catalog's code in extensions; request-level refusals also carry their HTTP status and headers. */
export function toGraphQLError(err: ApiError, base?: GraphQLError): GraphQLError {
  const http = REQUEST_LEVEL_CODES.has(err.code) ? { status: err.status, headers: err.headers } : undefined;
  return new GraphQLError(err.message, {
    nodes: base?.nodes,
    path: base?.path,
    extensions: { code: err.code, ...(err.field ? { field: err.field } : {}), ...(http ? { http } : {}) },
  });
}

function isIntrospectionOnly(document: DocumentNode, operationName: string | null | undefined): boolean {
  const op = getOperationAST(document, operationName);
  return (
    !!op &&
    op.operation === 'query' &&
    op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'))
  );
}

/**
 * Names the operation for the request log, and lets only introspection through without a key
 * (so GraphiQL can show the schema); anything else without a key is missing_auth, 401.
 */
const gatewayPlugin: Plugin<GraphQLContext> = {
  onExecute({ args, setResultAndStopExecution }) {
    const ctx = args.contextValue;
    const op = getOperationAST(args.document, args.operationName);
    const state = ctx.state;
    state.operationType = op?.operation ?? null;
    state.operationName = op?.name?.value ?? args.operationName ?? null;
    state.endpoint = `${state.operationType ?? 'operation'} ${state.operationName ?? 'anonymous'}`;
    const done = {
      onExecuteDone({ result }: { result: unknown }) {
        const errs = (result as ExecutionResult).errors;
        if (errs?.length) state.errorCode = String(errs[0]!.extensions?.code ?? 'internal_error');
      },
    };
    if (state.principal || isIntrospectionOnly(args.document, args.operationName)) return done;
    return ctx.gateway.authenticate(state, undefined).then(
      () => done,
      (err: unknown) => {
        if (!(err instanceof ApiError)) throw err;
        setResultAndStopExecution({ errors: [toGraphQLError(err)] });
        return undefined;
      },
    );
  },
};

const GRAPHQL_INPUT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']);

/** Parse, validation and variable errors carry graphql-js's or Yoga's codes, or none: to callers they are all validation_error. */
const codeEveryError: Plugin = {
  onResultProcess({ result }) {
    for (const r of Array.isArray(result) ? result : [result]) {
      for (const e of (r as ExecutionResult).errors ?? []) {
        const code = e.extensions?.code;
        if (!code || GRAPHQL_INPUT_CODES.has(String(code))) (e.extensions as Record<string, unknown>).code = 'validation_error';
      }
    }
  },
};

export function createGraphQLServer(onUnexpected: (err: unknown) => void): YogaServerInstance<ServerContext, GraphQLContext> {
  let page: string | undefined;
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: false,
    context: ({ gateway, state, res, idempotencyKey }) => buildContext({ gateway, state, res, idempotencyKey }),
    graphiql: {
      title: 'Workspace API',
      defaultQuery: '# Set the header {"Authorization": "Bearer wbk_live_…"} below, then run:\n{\n  viewer {\n    id\n    name\n    permissions\n    workspace { id name plan { name } }\n  }\n}\n',
      headers: JSON.stringify({ Authorization: 'Bearer ' }),
    },
    // The assets are inlined from the package: GraphiQL works with no internet access.
    renderGraphiQL: (opts) => (page ??= renderGraphiQL(opts)),
    maskedErrors: {
      maskError(error) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof ApiError) return toGraphQLError(original, error instanceof GraphQLError ? error : undefined);
        if (original instanceof GraphQLError || (error instanceof GraphQLError && !error.originalError)) return error as GraphQLError;
        onUnexpected(original ?? error);
        return new GraphQLError('Internal error', {
          nodes: error instanceof GraphQLError ? error.nodes : undefined,
          path: error instanceof GraphQLError ? error.path : undefined,
          extensions: { code: 'internal_error' },
        });
      },
    },
    plugins: [gatewayPlugin, codeEveryError],
  });
}
