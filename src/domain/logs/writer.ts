import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { toCsv } from '../../db/csv.js';
import type { NewRequestLog } from '../../db/schema.js';

export interface RequestLogEntry extends Omit<NewRequestLog, 'at'> {
  at: Date;
  /** The key authenticated (not merely named): marks it as used. */
  authenticated: boolean;
}

/** Column order of the COPY; LOG_FIELDS names the same columns as entry properties. */
const LOG_COLUMNS = [
  'id', 'workspace_id', 'key_id', 'key_prefix', 'request_id', 'method', 'endpoint', 'operation_type',
  'operation_name', 'status', 'duration_ms', 'ip', 'credits', 'counted', 'cost', 'error_code', 'at',
] as const;
const LOG_FIELDS: readonly (keyof RequestLogEntry)[] = [
  'id', 'workspaceId', 'keyId', 'keyPrefix', 'requestId', 'method', 'endpoint', 'operationType',
  'operationName', 'status', 'durationMs', 'ip', 'credits', 'counted', 'cost', 'errorCode', 'at',
];

export interface LogWriterOptions {
  /** Rows per COPY. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** A failed write leaves its rows queued for the next flush. */
  onError?: (err: unknown) => void;
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
    private readonly database: Database,
    private readonly opts: LogWriterOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 5_000;
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
      // One COPY per chunk, dequeued only once written: a retry never repeats a written row.
      const chunk = this.queue.slice(0, this.batchSize);
      try {
        await this.write(chunk);
      } catch (err) {
        this.opts.onError?.(err);
        return;
      }
      this.queue.splice(0, chunk.length);
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
    // last_used_at first: it is idempotent, so a retry after a failed COPY repeats it harmlessly.
    if (lastUsed.size > 0) {
      // JSON rather than array parameters: both drivers bind a string the same way.
      const used = JSON.stringify([...lastUsed].map(([id, at]) => ({ id, at: at.toISOString() })));
      await this.database.db.execute(sql`
        update api_keys k set last_used_at = greatest(k.last_used_at, u.at)
        from jsonb_to_recordset(${used}::jsonb) as u(id text, at timestamptz)
        where k.id = u.id`);
    }
    await this.database.copyCsv('request_logs', LOG_COLUMNS, toCsv(batch, LOG_FIELDS));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    if (this.queue.length > 0) await this.flush();
  }
}
