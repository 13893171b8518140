import { z } from 'zod';
import { errors } from './errors.js';

export type FieldPath = readonly (string | number)[];

/** PostgreSQL's text type cannot hold U+0000: a NUL anywhere in the input is refused before it reaches a query. */
export const NUL_PROBLEM = 'must not contain NUL (\\u0000) characters';

export interface NulHit {
  path: FieldPath;
  /** The NUL is in an object key at `path`, not in a value. */
  inKey: boolean;
}

/** A path as a chain to its parent: walking a deep value must not copy a path per level. */
export interface PathLink {
  key: string | number;
  parent: PathLink | undefined;
}

/** The keys from the root to `link`, after `base`. */
export function pathOf(link: PathLink | undefined, base: FieldPath = []): FieldPath {
  const keys: (string | number)[] = [];
  for (let l = link; l; l = l.parent) keys.push(l.key);
  return [...base, ...keys.reverse()];
}

/**
 * The first string (in document order) holding a NUL, in any JSON-like value. Iterative: a
 * megabyte of `[[[[…` must not overflow the stack.
 */
export function findNul(value: unknown, base: FieldPath = []): NulHit | undefined {
  const stack: { value: unknown; at: PathLink | undefined }[] = [{ value, at: undefined }];
  while (stack.length) {
    const { value: v, at } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\0')) return { path: pathOf(at, base), inKey: false };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], at: { key: i, parent: at } });
    } else if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      const keys = Object.keys(v);
      for (const k of keys) if (k.includes('\0')) return { path: pathOf(at, base), inKey: true };
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (v as Record<string, unknown>)[keys[i]!], at: { key: keys[i]!, parent: at } });
    }
  }
  return undefined;
}

/** A validation_error for a NUL found in the input; `root` names the input when the NUL is at its top level. */
export function nulError(hit: NulHit, root: string) {
  const field = hit.path.length ? hit.path.map(String).join('.') : root;
  return hit.inKey ? errors.validation(field, 'must not have field names containing NUL (\\u0000) characters') : errors.validation(field, NUL_PROBLEM);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  date: 'an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z',
};

const FORMAT_NAMES: Record<string, string> = {
  datetime: 'an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z',
  date: 'an ISO 8601 date, e.g. 2027-01-31',
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
};

const quote = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * What a field must be, for every zod issue a schema did not word itself: zod's own wording
 * ("Too big: expected string to have <=120 characters") never reaches a caller.
 */
export function describeIssue(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `must be ${TYPE_NAMES[iss.expected] ?? `a ${iss.expected}`}`;
    case 'too_big': {
      const max = Number(iss.maximum) - (iss.inclusive === false ? 1 : 0);
      if (iss.origin === 'string') return `must be at most ${max} characters`;
      if (iss.origin === 'array' || iss.origin === 'set') return `must hold at most ${max} items`;
      return `must be at most ${max}`;
    }
    case 'too_small': {
      const min = Number(iss.minimum) + (iss.inclusive === false ? 1 : 0);
      if (iss.origin === 'string') return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
      if (iss.origin === 'array' || iss.origin === 'set') return `must hold at least ${min} item${min === 1 ? '' : 's'}`;
      return `must be at least ${min}`;
    }
    case 'invalid_format':
      return `must be ${FORMAT_NAMES[iss.format] ?? `in ${iss.format} format`}`;
    case 'invalid_value':
      return iss.values.length === 1 ? `must be ${quote(iss.values[0])}` : `must be one of ${iss.values.map(quote).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(iss.divisor)}`;
    case 'unrecognized_keys':
      return 'is not a known field';
    case 'invalid_union':
      return 'is not in an accepted form';
    case 'invalid_key':
      return 'has a field name that is not allowed';
    case 'invalid_element':
      return 'holds a value that is not allowed';
    default:
      return 'is invalid';
  }
}

/**
 * Parses with zod and turns the first issue into a validation_error naming the field (as a
 * path in the domain's camelCase) and saying what it must be.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const nul = findNul(input);
  if (nul) throw nulError(nul, 'body');
  const result = schema.safeParse(input, { error: describeIssue });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const base = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    throw errors.validation([base, issue.keys[0]].filter(Boolean).join('.'), 'is not a known field');
  }
  throw errors.validation(base || 'body', issue.message);
}

const TIMESTAMP = 'must be an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z';

/** A union hides its branches' messages: the message is the union's own. */
export const isoTimestamp = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))], { error: TIMESTAMP });
