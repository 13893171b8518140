import type { ExecutionResult } from 'graphql';
import type { GraphQLParams } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

interface Entry {
  result: ExecutionResult;
  operationName: string | null;
}

/** Requests whose text is longer than this are executed, never cached: the key is the text. */
const MAX_KEY_CHARS = 64 * 1024;

/**
 * Results of introspection-only operations, by query text, operation name and variables. The
 * schema is fixed for the life of the process, so a result never goes stale; bounded by
 * entries and by size, least recently used first out.
 */
export class IntrospectionCache {
  private readonly entries = new LRUCache<string, Entry>({
    max: 200,
    maxSize: 32 * 1024 * 1024,
    sizeCalculation: (e, key) => key.length + JSON.stringify(e.result).length,
  });
  hits = 0;

  key(params: GraphQLParams): string | null {
    if (typeof params.query !== 'string') return null;
    const key = JSON.stringify([params.query, params.operationName ?? null, params.variables ?? null]);
    return key.length <= MAX_KEY_CHARS ? key : null;
  }

  get(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e) this.hits++;
    return e;
  }

  /** Only complete answers: a result with errors is executed again next time. */
  set(key: string, result: ExecutionResult, operationName: string | null): void {
    if (result.errors?.length || !result.data) return;
    this.entries.set(key, { result: { data: result.data }, operationName });
  }
}
