import { describe, expect, it } from 'vitest';
import { KeyCache } from '../src/gateway/key-cache.js';

/**
 * A lookup takes a stamp, reads the database, and caches what it read only if nothing
 * invalidated that key meanwhile. (Workspace facts are the directory's: a key's principal
 * carries none, so a workspace's change spoils no key lookup.)
 */
describe('key cache: which invalidations spoil a lookup in flight', () => {
  it("another key's invalidation does not: on a busy system lookups still cache", () => {
    const cache = new KeyCache();
    const stamp = cache.stamp();
    cache.invalidate('other-hash');
    expect(cache.unchangedSince(stamp, 'my-hash')).toBe(true);
  });

  it('its own key or a clear does', () => {
    const cache = new KeyCache();
    let stamp = cache.stamp();
    cache.invalidate('my-hash');
    expect(cache.unchangedSince(stamp, 'my-hash')).toBe(false);

    stamp = cache.stamp();
    cache.clear();
    expect(cache.unchangedSince(stamp, 'my-hash')).toBe(false);
    // Lookups started after an invalidation are not spoiled by it.
    expect(cache.unchangedSince(cache.stamp(), 'my-hash')).toBe(true);
  });

  it('is conservative once a stamp is evicted: everything read before it is suspect', () => {
    const cache = new KeyCache();
    const stamp = cache.stamp();
    cache.invalidate('my-hash');
    for (let i = 0; i < 10_001; i++) cache.invalidate(`h${i}`);
    expect(cache.unchangedSince(stamp, 'my-hash')).toBe(false);
    expect(cache.unchangedSince(stamp, 'never-touched')).toBe(false);
  });
});
