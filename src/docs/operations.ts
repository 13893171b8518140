import type { z } from 'zod';
import type { ErrorCode } from '../domain/errors.js';
import { graphqlCoordinate, type Operation } from '../operations/index.js';
import type { RestRoute } from '../rest/route.js';

/** One operation as the reference documents it: its declaration, at the route that serves it. */
export interface DocOperation extends Omit<Operation, 'rest' | 'graphql' | 'errors' | 'input'> {
  method: RestRoute['method'];
  /** find-my-way's form, `/v1/api-keys/:id`. */
  path: string;
  query: Record<string, string>;
  status: number;
  /** The domain's input, documented as the request body. */
  body?: z.ZodType;
  /** Codes beyond the common ones. */
  errors: readonly ErrorCode[];
  /** The GraphQL field that does the same, e.g. `Mutation.createApiKey`, and its operation kind and name. */
  graphql: { name: string; kind: 'query' | 'mutation'; coordinate: string };
}

/** The reference's one input: every REST route, with what its declaration says of it. */
export function docOperations(routes: readonly RestRoute[]): DocOperation[] {
  return routes.map(({ method, path, operation: op }) => {
    const { rest, graphql: _coordinate, errors, input, ...declared } = op;
    return {
      ...declared,
      method,
      path,
      query: rest.query ?? {},
      status: rest.status ?? 200,
      body: input,
      errors: errors ?? [],
      graphql: { name: op.name, kind: op.kind, coordinate: graphqlCoordinate(op) },
    };
  });
}
