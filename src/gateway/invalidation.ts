import type { Database } from '../db/client.js';

const CHANNEL = 'api_key_changed';

/** A key whose row changed, by the hash the caches are keyed on; `foreign`: it is of a foreign format (an imported key). */
export type InvalidationMessage = { hash: string; foreign?: true };

/**
 * Cache invalidation across instances that share a database, over PostgreSQL LISTEN/NOTIFY
 * (PGlite speaks it too). A message reaches every listener, this instance's included, in
 * well under a second; the local cache is also dropped synchronously by the caller.
 */
export class InvalidationBus {
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly database: Database) {}

  /** `onGap`: the subscription broke and was re-established; messages may have been lost meanwhile. */
  async start(onMessage: (m: InvalidationMessage) => void, onGap: () => void): Promise<void> {
    this.unlisten = await this.database.listen(
      CHANNEL,
      (payload) => {
        try {
          onMessage(JSON.parse(payload) as InvalidationMessage);
        } catch {
          // A malformed payload is not ours to act on.
        }
      },
      onGap,
    );
  }

  async publish(m: InvalidationMessage): Promise<void> {
    await this.database.notify(CHANNEL, JSON.stringify(m));
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }
}
