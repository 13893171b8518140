import { sql } from 'drizzle-orm';
import { type Database, selectRows } from '../../db/client.js';
import { toCsv } from '../../db/csv.js';
import { dbTimeout, withTimeout } from '../../db/errors.js';
import type { NewRequestLog } from '../../db/schema.js';

export interface RequestLogEntry extends Omit<NewRequestLog, 'at'> {
  at: Date;
  /** The key authenticated (not merely named): marks it as used. */
  authenticated: boolean;
}

/** Column order of the COPY; LOG_FIELDS names the same columns as entry properties. */
export const LOG_COLUMNS = [
  'id',
  'workspace_id',
  'key_id',
  'key_prefix',
  'request_id',
  'method',
  'endpoint',
  'operation_type',
  'operation_name',
  'status',
  'duration_ms',
  'ip',
  'credits',
  'counted',
  'cost',
  'error_code',
  'at',
] as const;
export const LOG_FIELDS: readonly (keyof RequestLogEntry)[] = [
  'id',
  'workspaceId',
  'keyId',
  'keyPrefix',
  'requestId',
  'method',
  'endpoint',
  'operationType',
  'operationName',
  'status',
  'durationMs',
  'ip',
  'credits',
  'counted',
  'cost',
  'errorCode',
  'at',
];

/** How long a request that reads the logs (logs, usage, key deletion, quota seeding) waits for queued ones to be written. */
export const REQUEST_FLUSH_TIMEOUT_MS = 3_000;

export interface LogWriterOptions {
  /** Rows per COPY. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** A failed write leaves its rows queued for the next flush. */
  onError?: (err: unknown) => void;
}

/**
 * Request logs are queued in memory and written in batches off the request path; `close()`
 * (on SIGTERM) writes what is left within its bound and says how many it could not write.
 *
 * A row leaves the queue only once its write is confirmed. A write whose outcome is unknown
 * (the connection died, a bound ran out: the COPY may have committed all the same) makes the
 * next write of those rows skip the ids already in request_logs, so a retry neither loses nor
 * repeats a row (request_logs.id is the primary key, so a repeat could not be stored anyway: it
 * would fail the batch again and again).
 */
export class RequestLogWriter {
  private queue: RequestLogEntry[] = [];
  /** Rows written since start: a flush waits for this to pass what was queued before it. */
  private written = 0;
  private draining: Promise<unknown> | null = null;
  /** The last write failed: its rows may be in the table already. */
  private uncertain = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly batchSize: number;

  constructor(
    private readonly database: Database,
    private readonly opts: LogWriterOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 5_000;
    const every = opts.flushIntervalMs ?? 1_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.drain(), every);
      this.timer.unref();
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueue(entry: RequestLogEntry): void {
    this.queue.push(entry);
    if (this.queue.length >= this.batchSize * 4) void this.drain();
  }

  /**
   * Resolves once everything queued before the call is in the database. Rejects with the
   * write's error if a write fails first (the rows stay queued and are retried), or with a
   * DB_TIMEOUT error after `timeoutMs` (default: no bound beyond the database's own).
   */
  async flush(opts: { timeoutMs?: number } = {}): Promise<void> {
    const target = this.written + this.queue.length;
    const wait = (async () => {
      while (this.written < target) {
        const failed = await this.drain();
        if (failed !== undefined) throw failed;
      }
    })();
    await withTimeout(wait, opts.timeoutMs ?? 0, () => dbTimeout(`request logs were not written within ${opts.timeoutMs} ms`));
  }

  /** One pass over the queue, shared by concurrent callers; resolves to the write's error, if one failed. */
  private drain(): Promise<unknown> {
    return (this.draining ??= this.run().finally(() => (this.draining = null)));
  }

  /**
   * Writes the rows queued when it starts, not those queued meanwhile: under steady traffic the
   * queue never empties, and a flush waiting on this pass must not wait for a quiet moment.
   */
  private async run(): Promise<unknown> {
    let left = this.queue.length;
    while (left > 0 && this.queue.length > 0) {
      const chunk = this.queue.slice(0, Math.min(this.batchSize, left));
      try {
        await this.write(chunk);
      } catch (err) {
        this.uncertain = true;
        this.opts.onError?.(err);
        return err ?? new Error('request log write failed');
      }
      this.uncertain = false;
      this.queue.splice(0, chunk.length);
      this.written += chunk.length;
      left -= chunk.length;
    }
    return undefined;
  }

  private async write(batch: RequestLogEntry[]): Promise<void> {
    const lastUsed = new Map<string, Date>();
    for (const e of batch) {
      if (e.authenticated && e.keyId) {
        const prev = lastUsed.get(e.keyId);
        if (!prev || prev < e.at) lastUsed.set(e.keyId, e.at);
      }
    }
    // last_used_at first: it is idempotent, so a retry after a failed COPY repeats it harmlessly.
    if (lastUsed.size > 0) {
      // JSON rather than array parameters: both drivers bind a string the same way.
      const used = JSON.stringify([...lastUsed].map(([id, at]) => ({ id, at: at.toISOString() })));
      await this.database.db.execute(sql`
        update api_keys k set last_used_at = greatest(k.last_used_at, u.at)
        from jsonb_to_recordset(${used}::jsonb) as u(id text, at timestamptz)
        where k.id = u.id`);
    }
    let rows = batch;
    if (this.uncertain) {
      const ids = JSON.stringify(batch.map((e) => e.id));
      const found = await selectRows<{ id: string }>(
        this.database.db,
        sql`select l.id from request_logs l where l.id in (select jsonb_array_elements_text(${ids}::jsonb))`,
      );
      const present = new Set(found.map((r) => r.id));
      rows = batch.filter((e) => !present.has(e.id));
    }
    if (rows.length > 0) await this.database.copyCsv('request_logs', LOG_COLUMNS, toCsv(rows, LOG_FIELDS));
  }

  /**
   * Stops the timer and writes what is queued, trying again until `timeoutMs` runs out (the
   * database may be restarting). Returns how many rows it could not write.
   */
  async close(opts: { timeoutMs?: number } = {}): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    while (this.queue.length > 0 && Date.now() < deadline) {
      try {
        await this.flush({ timeoutMs: Math.max(1, deadline - Date.now()) });
      } catch {
        // Pause between attempts, but never past the deadline.
        const pause = Math.min(250, deadline - Date.now());
        if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      }
    }
    return this.queue.length;
  }
}
