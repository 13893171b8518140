import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/** Every id says its type; the same string serves REST, GraphQL and Relay's node(id:). */
export const ID_PREFIXES = {
  workspace: 'ws',
  apiKey: 'key',
  keyEvent: 'kev',
  auditEntry: 'aud',
  requestLog: 'log',
  request: 'req',
  plan: 'plan',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/**
 * ulid's default PRNG asks the CSPRNG once per character; every request needs two ids, so draw
 * CSPRNG bytes 4 KiB at a time instead. A byte / 256 maps onto ulid's 32 symbols exactly evenly.
 */
const pool = Buffer.alloc(4096);
let next = pool.length;
function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

const ulid = monotonicFactory(pooledRandom);

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${ulid(now)}`;
}

const KIND_BY_PREFIX = new Map<string, IdKind>(Object.entries(ID_PREFIXES).map(([kind, prefix]) => [prefix, kind as IdKind]));

export function kindOfId(id: string): IdKind | undefined {
  const cut = id.indexOf('_');
  return cut > 0 ? KIND_BY_PREFIX.get(id.slice(0, cut)) : undefined;
}
