import { Worker } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { dbTimeout } from './errors.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pglite-worker.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
/** A request without its id, kept as a union so each kind checks its own fields. */
type Body = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface QueryOptions {
  rowMode?: 'array' | 'object';
  parsers?: Record<number, unknown>;
}

/** The part of PGlite's client API that drizzle's PGlite driver uses, over a worker thread. */
interface QueryTarget {
  query(sql: string, params?: unknown[], opts?: QueryOptions): Promise<{ rows: unknown[]; fields: unknown[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown[]>;
}

/**
 * PGlite on its own thread, so the request thread never waits for the database engine.
 * Queries and transactions cross as messages; PGlite's own transaction lock keeps other
 * queries out of an open transaction, as it does in process.
 */
export class PgliteThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  /** Calls given up on by their bound; a late reply to a `begin` must still be rolled back. */
  private readonly abandoned = new Map<number, string>();
  private nextId = 1;
  readonly ready: Promise<void>;
  private readonly callTimeoutMs: number;

  /**
   * `callTimeoutMs` bounds each call (default 30 s) so a wedged engine fails requests (503)
   * instead of holding them; migrations are unbounded (a large one may take minutes).
   */
  constructor(init: WorkerInit, opts: { callTimeoutMs?: number } = {}) {
    this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.worker = new Worker(new URL('./pglite-worker-entry.mjs', import.meta.url), { workerData: init });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject });
      this.worker.once('error', reject);
    });
    this.worker.on('message', (m: WorkerReply) => {
      if ('notify' in m) {
        this.listeners.get(m.notify)?.forEach((fn) => fn(m.payload));
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) {
        // A transaction opened after its caller stopped waiting would hold PGlite's lock for good.
        if (this.abandoned.get(m.id) === 'begin' && m.ok) void this.call({ kind: 'rollback', tx: m.value as number }).catch(() => {});
        this.abandoned.delete(m.id);
        return;
      }
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(Object.assign(new Error(m.error.message), { code: m.error.code, detail: m.error.detail }));
    });
  }

  call(body: Body): Promise<unknown> {
    const id = this.nextId++;
    const bound = body.kind === 'migrate' ? 0 : this.callTimeoutMs;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          fn(v);
        };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      if (bound > 0) {
        timer = setTimeout(() => {
          if (!this.pending.delete(id)) return;
          this.abandoned.set(id, body.kind);
          reject(dbTimeout(`embedded database ${body.kind} did not finish within ${bound} ms`));
        }, bound);
        timer.unref();
      }
      this.worker.postMessage({ ...body, id });
    });
  }

  private target(tx?: number): QueryTarget {
    return {
      query: async (sql, params = [], opts = {}) =>
        (await this.call({ kind: 'query', sql, params, rowMode: opts.rowMode ?? 'object', rawDates: opts.parsers !== undefined, tx })) as {
          rows: unknown[];
          fields: unknown[];
          affectedRows?: number;
        },
      exec: async (sql) => {
        await this.call({ kind: 'exec', sql, tx });
        return [];
      },
    };
  }

  /** What drizzle's PGlite driver is handed in place of a PGlite instance. */
  client(): PGlite {
    const root = this.target();
    return {
      ...root,
      transaction: async <T>(fn: (tx: QueryTarget) => Promise<T>): Promise<T> => {
        const tx = (await this.call({ kind: 'begin' })) as number;
        let result: T;
        try {
          result = await fn(this.target(tx));
        } catch (err) {
          await this.call({ kind: 'rollback', tx });
          throw err;
        }
        await this.call({ kind: 'commit', tx });
        return result;
      },
    } as unknown as PGlite;
  }

  async listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) {
      this.listeners.set(channel, (set = new Set()));
      await this.call({ kind: 'listen', channel });
    }
    set.add(fn);
    return async () => {
      set.delete(fn);
    };
  }

  async close(): Promise<void> {
    try {
      await this.call({ kind: 'close' });
    } finally {
      await this.worker.terminate();
    }
  }
}
