import type { z } from 'zod';
import type { ErrorCode } from '../domain/errors.js';
import type { LimitClass } from '../domain/limits/policy.js';
import type { RestRoute } from '../rest/route.js';
import { ROUTE_FACTS, type JsonSchema } from './resources.js';

/** How an operation spends the workspace's credits. */
export type CreditCost = { kind: 'none' } | { kind: 'per_row'; perRow: number; free?: string };

/** One operation as the reference documents it, whatever declared it. */
export interface DocOperation {
  method: RestRoute['method'];
  /** find-my-way's form, `/v1/api-keys/:id`. */
  path: string;
  summary: string;
  description?: string;
  scope: string | null;
  limitClass: LimitClass;
  credits: CreditCost;
  idempotent: boolean;
  examples: { request?: unknown; response?: unknown };
  /** 409 codes particular to the operation. */
  conflicts: readonly ErrorCode[];
  body?: z.ZodType;
  query: Record<string, string>;
  status: number;
  /** The GraphQL field that does the same, e.g. `Mutation.createApiKey`, and its operation kind and name. */
  graphql: { name: string; kind: 'query' | 'mutation'; coordinate: string };
  /** The success body; undefined when nobody declared it (a test refuses that). */
  response?: JsonSchema;
}

/**
 * Facts a route may carry beyond its `doc`: today some routes name a limit class; an operation
 * declaration (`operation`) carries all of them. Read structurally so that either shape of the
 * route table feeds the reference.
 */
interface Declared {
  name?: string;
  kind?: 'query' | 'mutation';
  description?: string;
  examples?: { request?: unknown; response?: unknown };
  limitClass?: LimitClass;
  credits?: CreditCost;
  idempotent?: boolean;
  graphql?: string;
}

function declared(route: RestRoute): Declared {
  const r = route as unknown as Declared & { operation?: Declared };
  const op = typeof r.operation === 'object' && r.operation !== null ? r.operation : {};
  const pick = <K extends keyof Declared>(k: K): Declared[K] => op[k] ?? r[k];
  return {
    name: pick('name'),
    kind: pick('kind'),
    description: pick('description'),
    examples: pick('examples'),
    limitClass: pick('limitClass'),
    credits: pick('credits'),
    idempotent: pick('idempotent'),
    graphql: pick('graphql'),
  };
}

export const routeKey = (r: Pick<RestRoute, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** The reference's one input: every REST route, with what its declaration (or, until then, src/docs) says of it. */
export function docOperations(routes: readonly RestRoute[]): DocOperation[] {
  return routes.map((r) => {
    const d = declared(r);
    const facts = ROUTE_FACTS[routeKey(r)];
    const name = d.name ?? facts?.name ?? `${r.method.toLowerCase()}${r.path.replace(/\W+(\w)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`;
    const kind = d.kind ?? facts?.kind ?? (r.method === 'GET' ? 'query' : 'mutation');
    return {
      method: r.method,
      path: r.path,
      summary: r.doc.summary,
      description: d.description,
      scope: r.doc.scope ?? null,
      limitClass: d.limitClass ?? 'default',
      credits: d.credits ?? { kind: 'none' },
      idempotent: d.idempotent ?? facts?.idempotent ?? false,
      examples: { request: d.examples?.request ?? facts?.requestExample, response: d.examples?.response },
      conflicts: facts?.conflicts ?? [],
      body: r.doc.body,
      query: r.doc.query ?? {},
      status: r.doc.status ?? 200,
      graphql: { name, kind, coordinate: d.graphql ?? facts?.graphql ?? `${kind === 'query' ? 'Query' : 'Mutation'}.${name}` },
      response: facts?.response,
    };
  });
}
