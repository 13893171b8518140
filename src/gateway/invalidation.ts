import type { Database } from '../db/client.js';

const CHANNEL = 'api_key_changed';

/**
 * A key whose row changed, by the hash the caches are keyed on (`foreign`: it is of a foreign
 * format, an imported key); or a workspace whose name, plan or limit override changed, whose
 * cached facts and keys' principals every instance drops.
 */
export type InvalidationMessage = { hash: string; foreign?: true } | { workspace: string };

function isMessage(m: unknown): m is InvalidationMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  return typeof o.hash === 'string' || typeof o.workspace === 'string';
}

/**
 * Announces a change without listening: the CLI, which may run in a process of its own, tells
 * the servers sharing its database this way.
 */
export async function publishInvalidation(database: Pick<Database, 'notify'>, m: InvalidationMessage): Promise<void> {
  await database.notify(CHANNEL, JSON.stringify(m));
}

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
        let m: unknown;
        try {
          m = JSON.parse(payload);
        } catch {
          return;
        }
        // A malformed payload is not ours to act on.
        if (isMessage(m)) onMessage(m);
      },
      onGap,
    );
  }

  async publish(m: InvalidationMessage): Promise<void> {
    await publishInvalidation(this.database, m);
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }
}
