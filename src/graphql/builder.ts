import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import { DateTimeResolver } from 'graphql-scalars';
import { errors } from '../domain/errors.js';
import { kindOfId } from '../domain/ids.js';
import type { GraphQLContext } from './context.js';

const TYPENAME_BY_KIND: Partial<Record<string, string>> = { workspace: 'Workspace', apiKey: 'ApiKey', requestLog: 'RequestLog' };

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: { DateTime: { Input: Date; Output: Date } };
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
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.queryType({});
builder.mutationType({});
