import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';
import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { errors } from '../domain/errors.js';
import { kindOfId } from '../domain/ids.js';
import { MAX_PAGE_SIZE } from '../domain/pagination.js';
import type { GraphQLContext } from './context.js';

const TYPENAME_BY_KIND: Partial<Record<string, string>> = { workspace: 'Workspace', apiKey: 'ApiKey', requestLog: 'RequestLog' };

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: { DateTime: { Input: Date; Output: Date }; JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> } };
}>({
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Relay ids are our prefixed ids as they are: the same string works on REST.
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (globalID) => {
      const typename = TYPENAME_BY_KIND[kindOfId(globalID) ?? ''];
      if (!typename) throw errors.validation('id', 'must be a non-empty id such as key_…, ws_… or log_…');
      return { typename, id: globalID };
    },
    nodesOnConnection: false,
    // The domain's page query (pagination.ts) checks these, as it does REST's limit and cursor.
    firstArgOptions: { description: `Rows in the page, 1 to ${MAX_PAGE_SIZE}; the list's default when absent.` },
    afterArgOptions: { description: 'The page after this cursor: an endCursor (or edge cursor) of this list, unchanged.' },
    lastArgOptions: { description: `Rows in the page taken from the end of the range (nearest before), 1 to ${MAX_PAGE_SIZE}.` },
    beforeArgOptions: { description: 'The page before this cursor: a startCursor (or edge cursor) of this list, unchanged.' },
  },
});

const WANTED = 'a DateTime must be an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z';
/**
 * graphql-scalars' DateTime, whose refusal says what is wanted (its own names only its
 * internals). A variable's error is reported as thrown, after the variable's path; a literal's
 * must be a plain Error, which validation prefixes with the value found and answers 400.
 */
function explained<T>(parse: () => T, as: 'variable' | 'literal'): T {
  try {
    return parse();
  } catch {
    throw as === 'variable' ? new GraphQLError(WANTED) : new Error(WANTED);
  }
}
const DateTime = new GraphQLScalarType<Date, Date | string>({
  ...DateTimeResolver.toConfig(),
  parseValue: (value: unknown) => explained(() => DateTimeResolver.parseValue(value), 'variable'),
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) => explained(() => DateTimeResolver.parseLiteral(ast, variables), 'literal'),
});

builder.addScalarType('DateTime', DateTime);
builder.addScalarType('JSONObject', JSONObjectResolver);
builder.queryType({});
builder.mutationType({});
