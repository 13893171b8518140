import { GraphQLError, type ExecutionResult } from 'graphql';
import { type ApiError, ERROR_STATUS, REQUEST_LEVEL_CODES, type ErrorCode } from '../domain/errors.js';

/** The catalog's code in extensions; request-level refusals also carry their HTTP status and headers. */
export function toGraphQLError(err: ApiError, base?: GraphQLError): GraphQLError {
  const http = REQUEST_LEVEL_CODES.has(err.code) ? { status: err.status, headers: err.headers } : undefined;
  return new GraphQLError(err.message, {
    nodes: base?.nodes,
    path: base?.path,
    extensions: { code: err.code, ...(err.field ? { field: err.field } : {}), ...(http ? { http } : {}) },
  });
}

/** The codes graphql-js, Yoga and envelop give their own errors, as the catalog's. */
const FOREIGN_CODES: Readonly<Record<string, ErrorCode>> = {
  GRAPHQL_PARSE_FAILED: 'validation_error',
  GRAPHQL_VALIDATION_FAILED: 'validation_error',
  BAD_USER_INPUT: 'validation_error',
  BAD_REQUEST: 'validation_error',
  OPERATION_RESOLUTION_FAILURE: 'validation_error',
  REQUEST_ENTITY_TOO_LARGE: 'payload_too_large',
};

/** Yoga marks some refusals by HTTP status alone (405 wrong method, 415 no parser for the body). */
const STATUS_CODES: Readonly<Partial<Record<number, ErrorCode>>> = {
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  431: 'request_header_too_large',
};

/** Foreign wording that does not say what is wanted. */
const MESSAGES: Readonly<Record<string, string>> = {
  OPERATION_RESOLUTION_FAILURE: 'operationName must name one of the operations in the query (it may be left out only when the query holds exactly one)',
};

const isCatalogCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);

function httpOf(e: GraphQLError): { status?: number; headers?: Record<string, string> } | undefined {
  const http = e.extensions?.http;
  return http && typeof http === 'object' ? (http as { status?: number; headers?: Record<string, string> }) : undefined;
}

export function catalogCode(e: GraphQLError): ErrorCode {
  const code = e.extensions?.code;
  if (isCatalogCode(code)) return code;
  const status = httpOf(e)?.status;
  const byStatus = status === undefined ? undefined : STATUS_CODES[status];
  if (byStatus) return byStatus;
  if (typeof code === 'string' && Object.hasOwn(FOREIGN_CODES, code)) return FOREIGN_CODES[code]!;
  return status !== undefined && status >= 500 ? 'internal_error' : 'validation_error';
}

/**
 * Every error of every GraphQL answer gets a catalog code, whichever layer raised it (graphql-js,
 * Yoga, armor, our resolvers); this is the one place foreign codes are mapped. Request-level
 * codes also set the HTTP status the catalog gives them: Yoga marks parse errors as
 * "spec" errors, which it answers 200 under application/json, and armor's token limit is one.
 */
export function assignCatalogCodes(result: ExecutionResult | readonly ExecutionResult[]): void {
  for (const r of Array.isArray(result) ? result : [result as ExecutionResult]) {
    for (const e of r.errors ?? []) {
      const ext = e.extensions as Record<string, unknown>;
      const foreign = ext.code;
      const code = catalogCode(e);
      ext.code = code;
      if (typeof foreign === 'string' && Object.hasOwn(MESSAGES, foreign)) (e as { message: string }).message = MESSAGES[foreign]!;
      if (REQUEST_LEVEL_CODES.has(code)) ext.http = { status: ERROR_STATUS[code], headers: httpOf(e)?.headers };
    }
  }
}
