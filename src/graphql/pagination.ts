import { errors } from '../domain/errors.js';
import { cursorOf, type PagedList, type PageQuery, type PageResult } from '../domain/pagination.js';

/** Relay's connection arguments, as Pothos hands them to a resolver. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Rows a connection field returns without `first` or `last`, by field name: the query cost counts them. */
export const DEFAULT_PAGE_SIZES = new Map<string, number>();

/** Relay's arguments as the domain's page query: `after` is the cursor, `last` takes the page from the far end. */
function pageQueryOf(args: ConnectionArgs): PageQuery {
  if (args.first != null && args.last != null) throw errors.validation('last', 'cannot be given with first: ask for first (and after) or last (and before)');
  // As Relay reads them: `last`, or `before` alone, asks for the rows nearest the end of the range.
  const fromEnd = args.first == null && (args.last != null || (args.before != null && args.after == null));
  return { limit: args.first ?? args.last ?? undefined, cursor: args.after, before: args.before, fromEnd };
}

/** The domain names the page query's fields as REST does; GraphQL's callers sent `first`/`last` and `after`. */
function asSent(err: unknown, args: ConnectionArgs): unknown {
  return errors.renamed(errors.renamed(err, 'limit', args.last != null ? 'last' : 'first'), 'cursor', 'after');
}

/**
 * The connection field `field` over `list`: the resolver of a Relay connection that loads its
 * page from a domain function taking the page query. Every cursor it returns, each edge's
 * included, is the list's own, so any of them may be passed back as `after` or `before`.
 */
export function listConnection<Row>(field: string, list: PagedList<Row>) {
  const known = DEFAULT_PAGE_SIZES.get(field);
  if (known !== undefined && known !== list.defaultLimit) throw new Error(`connection fields named ${field} page by ${known} and ${list.defaultLimit}`);
  DEFAULT_PAGE_SIZES.set(field, list.defaultLimit);

  const resolve = async <T extends Row>(args: ConnectionArgs, load: (query: PageQuery) => Promise<PageResult<T>>) => {
    const query = pageQueryOf(args);
    let page: PageResult<T>;
    try {
      page = await load(query);
    } catch (err) {
      throw asSent(err, args);
    }
    const { fromEnd } = query;
    const edges = page.items.map((node) => ({ node, cursor: cursorOf(list, node) }));
    return {
      edges,
      pageInfo: {
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
        hasNextPage: fromEnd ? args.before != null : page.hasMore,
        hasPreviousPage: fromEnd ? page.hasMore : args.after != null,
      },
    };
  };
  /** For the field's description. */
  const note = `${list.defaultLimit} a page unless first or last says otherwise.`;
  return { resolve, note };
}
