import { monotonicFactory } from 'ulid';

/** Every id says its type; the same string serves REST, GraphQL and Relay's node(id:). */
export const ID_PREFIXES = {
  workspace: 'ws',
  apiKey: 'key',
  keyEvent: 'kev',
  requestLog: 'log',
  request: 'req',
  plan: 'plan',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ulid = monotonicFactory();

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${ulid(now)}`;
}

const KIND_BY_PREFIX = new Map<string, IdKind>(
  Object.entries(ID_PREFIXES).map(([kind, prefix]) => [prefix, kind as IdKind]),
);

export function kindOfId(id: string): IdKind | undefined {
  const cut = id.indexOf('_');
  return cut > 0 ? KIND_BY_PREFIX.get(id.slice(0, cut)) : undefined;
}
