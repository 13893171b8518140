import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { requestLogs, type NewRequestLog } from '../../db/schema.js';

export interface RequestLogEntry extends Omit<NewRequestLog, 'at'> {
  at: Date;
  /** The key authenticated (not merely named): marks it as used. */
  authenticated: boolean;
}

export interface LogWriterOptions {
  /** Rows per INSERT; PostgreSQL allows 65,535 parameters, a row has 15. */
  batchSize?: number;
  flushIntervalMs?: number;
  onError?: (err: unknown, dropped: number) => void;
}

/**
 * Request logs are queued in memory and written in batches off the request path; `close()`
 * (on SIGTERM) writes what is left, so a graceful stop loses none.
 */
export class RequestLogWriter {
  private queue: RequestLogEntry[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly batchSize: number;

  constructor(
    private readonly db: Db,
    private readonly opts: LogWriterOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 2_000;
    const every = opts.flushIntervalMs ?? 1_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.flush(), every);
      this.timer.unref();
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueue(entry: RequestLogEntry): void {
    this.queue.push(entry);
    if (this.queue.length >= this.batchSize * 4) void this.flush();
  }

  /** Resolves once everything queued before the call is in the database. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.drain());
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.write(batch);
      } catch (err) {
        // Put the rows back in front: a passing database fault must not lose logs.
        this.queue = batch.concat(this.queue);
        this.opts.onError?.(err, 0);
        return;
      }
    }
  }

  private async write(batch: RequestLogEntry[]): Promise<void> {
    const lastUsed = new Map<string, Date>();
    for (const e of batch) {
      if (e.authenticated && e.keyId) {
        const prev = lastUsed.get(e.keyId);
        if (!prev || prev < e.at) lastUsed.set(e.keyId, e.at);
      }
    }
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < batch.length; i += this.batchSize) {
        const rows = batch.slice(i, i + this.batchSize).map(({ authenticated: _a, ...row }) => row);
        await tx.insert(requestLogs).values(rows).onConflictDoNothing();
      }
      if (lastUsed.size > 0) {
        // JSON rather than array parameters: both drivers bind a string the same way.
        const used = JSON.stringify([...lastUsed].map(([id, at]) => ({ id, at: at.toISOString() })));
        await tx.execute(sql`
          update api_keys k set last_used_at = greatest(k.last_used_at, u.at)
          from jsonb_to_recordset(${used}::jsonb) as u(id text, at timestamptz)
          where k.id = u.id`);
      }
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    if (this.queue.length > 0) await this.flush();
  }
}
