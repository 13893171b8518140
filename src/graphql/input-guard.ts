import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ApiError } from '../domain/errors.js';
import { findNul, nulError, type FieldPath, type NulHit } from '../domain/validation.js';
import type { GraphQLContext } from './context.js';
import { toGraphQLError } from './error-codes.js';

function nulInValue(node: ValueNode, path: FieldPath, variables: Readonly<Record<string, unknown>>): NulHit | undefined {
  switch (node.kind) {
    case Kind.STRING:
      return node.value.includes('\0') ? { path, inKey: false } : undefined;
    case Kind.VARIABLE:
      return findNul(variables[node.name.value], path);
    case Kind.LIST:
      for (let i = 0; i < node.values.length; i++) {
        const hit = nulInValue(node.values[i]!, [...path, i], variables);
        if (hit) return hit;
      }
      return undefined;
    case Kind.OBJECT:
      for (const f of node.fields) {
        const hit = nulInValue(f.value, [...path, f.name.value], variables);
        if (hit) return hit;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * The first argument value holding a NUL, literal or through a variable, named by its argument
 * and input path (`input.name`, `filter.category`, `id`); a variable's default as `$name`.
 */
export function nulInOperation(document: DocumentNode, variables: Readonly<Record<string, unknown>>): NulHit | undefined {
  let hit: NulHit | undefined;
  visit(document, {
    VariableDefinition(node) {
      if (node.defaultValue) hit ??= nulInValue(node.defaultValue, [`$${node.variable.name.value}`], {});
    },
    Argument(node) {
      hit ??= nulInValue(node.value, [node.name.value], variables);
    },
  });
  return hit;
}

/**
 * PostgreSQL refuses NUL in text: GraphQL arguments are checked here, before anything runs, as
 * the REST router checks its parameters and body. Runs after the gateway's plugin, so a caller
 * is authenticated and admitted first, as on REST.
 */
export const refuseNul: Plugin<GraphQLContext> = {
  onExecute({ args, setResultAndStopExecution }) {
    const hit = nulInOperation(args.document, (args.variableValues ?? {}) as Record<string, unknown>);
    if (!hit) return;
    const err = nulError(hit, 'variables');
    args.contextValue.gateway.recordError(args.contextValue.state, err);
    const base = toGraphQLError(err);
    // Refused before execution, like a variable of the wrong type: 400.
    setResultAndStopExecution({ errors: [new GraphQLError(base.message, { extensions: { ...base.extensions, http: { status: 400 } } })] });
  },
};

const requestError = (err: ApiError, status = err.status) =>
  new GraphQLError(err.message, { extensions: { code: err.code, ...(err.field ? { field: err.field } : {}), http: { status } } });

/** Which query parameter of a GET holds the JSON that did not parse. */
function badJsonParam(url: URL): 'variables' | 'extensions' {
  try {
    const v = url.searchParams.get('variables');
    if (v) JSON.parse(v);
  } catch {
    return 'variables';
  }
  return 'extensions';
}

/**
 * Refusals of the HTTP request Yoga would otherwise answer without a catalog code: a POST body
 * of a media type no parser reads (an empty 415), and `variables` or `extensions` that are not
 * JSON (a SyntaxError, answered as internal_error with 200).
 */
export const requestGuard: Plugin = {
  onRequestParse({ request, url, requestParser, setRequestParser }) {
    if (!requestParser) {
      if (request.method !== 'POST') return;
      throw requestError(
        new ApiError('unsupported_media_type', 'Request body must be sent with Content-Type: application/json, e.g. {"query":"{ viewer { id } }"}'),
      );
    }
    setRequestParser(async (req) => {
      try {
        return await requestParser(req);
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        const field = request.method === 'GET' ? badJsonParam(url) : 'variables';
        throw requestError(new ApiError('validation_error', `${field} must be a JSON object, e.g. {"id":"key_…"}`, {}, field));
      }
    });
  },
};
