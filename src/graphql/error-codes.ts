import type { ExecutionResult } from 'graphql';

const GRAPHQL_INPUT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']);

/** Parse, validation and variable errors carry graphql-js's or Yoga's codes, or none: to callers they are all validation_error. */
export function assignCatalogCodes(result: ExecutionResult | readonly ExecutionResult[]): void {
  for (const r of Array.isArray(result) ? result : [result as ExecutionResult]) {
    for (const e of r.errors ?? []) {
      const code = e.extensions?.code;
      if (!code || GRAPHQL_INPUT_CODES.has(String(code))) (e.extensions as Record<string, unknown>).code = 'validation_error';
    }
  }
}
