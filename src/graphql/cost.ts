import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { MAX_PAGE_SIZE } from '../domain/pagination.js';
import { DEFAULT_PAGE_SIZES } from './pagination.js';

const MAX_PAGE = MAX_PAGE_SIZE;
/** GitHub's model: a request costs one point per hundred nodes it may return, at least one. */
export const NODES_PER_POINT = 100;
/** Beyond this, a query is refused before it runs. */
export const MAX_POINTS = 500;

/**
 * Fields whose resolver does work a node count does not show, priced as so many nodes each
 * time they resolve: `quotaUsage` reads the counter store and, for a key whose counters it does
 * not hold, seeds them from the request logs (one aggregate query), so a list of keys asking for
 * it costs a point per key.
 */
const FIELD_NODES: Readonly<Record<string, number>> = { quotaUsage: NODES_PER_POINT };

export interface OperationCost {
  /** Upper bound of the nodes the operation may return. */
  nodes: number;
  /** What it counts against the plan's limits. */
  points: number;
}

/** A Relay connection's type: it has edges and pageInfo. */
function isConnection(type: GraphQLNamedType | undefined): boolean {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return 'edges' in fields && 'pageInfo' in fields;
}

/**
 * The nodes a field may return per parent: its `first` or `last`, else the default page size of
 * its list, else, for a connection not built by listConnection (whose default this module does
 * not know), the largest page; null for a field that is no connection.
 */
function pageSize(field: FieldNode, type: GraphQLNamedType | undefined, variables: Record<string, unknown>): number | null {
  const fallback = DEFAULT_PAGE_SIZES.get(field.name.value) ?? (isConnection(type) ? MAX_PAGE : undefined);
  for (const a of field.arguments ?? []) {
    if (a.name.value !== 'first' && a.name.value !== 'last') continue;
    const v = a.value.kind === Kind.VARIABLE ? variables[a.value.name.value] : a.value.kind === Kind.INT ? Number(a.value.value) : null;
    return typeof v === 'number' ? Math.min(Math.max(v, 0), MAX_PAGE) : (fallback ?? MAX_PAGE);
  }
  return fallback ?? null;
}

/**
 * Static upper bound of the work an operation asks for: every paginated field multiplies what
 * is below it by its page size (as GitHub and Shopify estimate), so a nested connection costs
 * far more than a flat one.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  /** The type a field returns, where the schema knows it (a document that fails validation may name what it does not). */
  const typeOf = (parent: GraphQLNamedType | undefined, field: string) =>
    isObjectType(parent) || isInterfaceType(parent) ? getNamedType(parent.getFields()[field]?.type) : undefined;
  const condition = (name: string | undefined, parent: GraphQLNamedType | undefined) => (name === undefined ? parent : (schema.getType(name) ?? undefined));

  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, multiplier: number, seen: ReadonlySet<string>): number => {
    let nodes = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const type = typeOf(parent, sel.name.value);
        const page = pageSize(sel, type, variables);
        const m = page === null ? multiplier : multiplier * page;
        if (page !== null) nodes += m;
        nodes += multiplier * (FIELD_NODES[sel.name.value] ?? 0);
        if (sel.selectionSet) nodes += walk(sel.selectionSet, type, m, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        nodes += walk(sel.selectionSet, condition(sel.typeCondition?.name.value, parent), multiplier, seen);
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        // A fragment cycle is a validation error anyway; don't loop on it.
        if (frag && !seen.has(name)) nodes += walk(frag.selectionSet, condition(frag.typeCondition.name.value, parent), multiplier, new Set([...seen, name]));
      }
    }
    return nodes;
  };

  const nodes = walk(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined, 1, new Set());
  return { nodes, points: Math.max(1, Math.ceil(nodes / NODES_PER_POINT)) };
}
