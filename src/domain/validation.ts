import { z } from 'zod';
import { errors } from './errors.js';

/** Parses with zod and turns the first issue into a validation_error naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const base = issue.path.map(String).join('.');
    const field = [base, issue.keys[0]].filter(Boolean).join('.');
    throw errors.validation(field, 'is not a known field');
  }
  const field = issue.path.map(String).join('.') || 'body';
  const problem = issue.message.startsWith('Invalid input') ? 'is invalid' : issue.message;
  throw errors.validation(field, problem);
}

export const isoTimestamp = z.union([
  z.date({ error: 'must be an ISO 8601 timestamp' }),
  z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z' }).transform((s) => new Date(s)),
]);
