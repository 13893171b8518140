import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './types/plan.js';
import './types/workspace.js';
import './types/api-key.js';
import './types/viewer.js';
import './types/request-log.js';
import './types/leads.js';
import './types/operator.js';

export const schema: GraphQLSchema = builder.toSchema({ sortSchema: true });

/** The committed schema.graphql: printed, sorted, so diffs show real changes only. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
