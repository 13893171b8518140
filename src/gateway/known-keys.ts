import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiKeys } from '../db/schema.js';

/** 48 bits of a hash: a forged key matches one of a million real ones about once in 3·10^8 tries. */
const prefixOf = (hash: string) => Number.parseInt(hash.slice(0, 12), 16);

/**
 * Prefixes of the hashes of every key this instance has heard of: all keys at start, then every
 * key announced on the invalidation bus or found by a lookup. It only decides which lookups
 * spend the unknown-key budget (a key in it never does), never whether a key is valid: a key it
 * missed (created by another process that announced nothing) is looked up within the budget as
 * before, and a deleted key left in it only costs its lookup.
 */
export class KnownKeyHashes {
  private readonly prefixes = new Set<number>();
  /**
   * Some key was imported in a foreign format (not wbk_live_…): only then are tokens of another
   * shape worth a lookup. Never turns off again; at worst a lookup finds nothing.
   */
  foreignFormats = false;

  async load(db: Db): Promise<void> {
    const rows = await db.select({ prefix: sql<string>`left(${apiKeys.keyHash}, 12)` }).from(apiKeys);
    for (const r of rows) this.prefixes.add(Number.parseInt(r.prefix, 16));
    await this.loadForeignFormats(db);
  }

  /** Again after announcements may have been missed (the bus reconnected). */
  async loadForeignFormats(db: Db): Promise<void> {
    const [any] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.foreignFormat, true)).limit(1);
    if (any) this.foreignFormats = true;
  }

  add(hash: string, opts: { foreign?: boolean } = {}): void {
    this.prefixes.add(prefixOf(hash));
    if (opts.foreign) this.foreignFormats = true;
  }

  has(hash: string): boolean {
    return this.prefixes.has(prefixOf(hash));
  }
}
