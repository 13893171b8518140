/**
 * The embedded database's own thread: PGlite is synchronous WebAssembly, so running it on the
 * request thread made every query and every request-log COPY a pause for every request.
 * The main thread talks to it through `PgliteWorkerClient` (pglite-thread.ts).
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { migratePgliteInstance } from './migrate.js';
import { pgliteCopyMerge, type PgliteCopyMerge } from './pglite-copy.js';

export interface WorkerInit {
  dataDir?: string;
  /** A dumped data directory (tar) to start from: the tests' migrated template. */
  templateFile?: string;
}

export type WorkerRequest =
  | { id: number; kind: 'query'; sql: string; params: unknown[]; rowMode: 'array' | 'object'; rawDates: boolean; tx?: number }
  | { id: number; kind: 'exec'; sql: string; tx?: number }
  | { id: number; kind: 'begin' }
  | { id: number; kind: 'commit' | 'rollback'; tx: number }
  | { id: number; kind: 'copy'; sql: string; csv: string }
  | ({ id: number; kind: 'copyMerge' } & PgliteCopyMerge)
  | { id: number; kind: 'listen'; channel: string }
  | { id: number; kind: 'migrate' | 'close' };

export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { message: string; code?: string; detail?: string } }
  | { notify: string; payload: string };

/** drizzle keeps these types as the strings PostgreSQL sends (see drizzle-orm/pglite/session). */
const RAW_TYPES = [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182];
const raw = Object.fromEntries(RAW_TYPES.map((t) => [t, (v: string) => v]));

const init = workerData as WorkerInit;
const port = parentPort!;
const pg = await PGlite.create(
  init.templateFile ? { loadDataDir: new Blob([readFileSync(init.templateFile)]) } : init.dataDir ? { dataDir: init.dataDir } : {},
);

interface OpenTx {
  tx: Transaction;
  finish: (commit: boolean) => void;
  done: Promise<void>;
}
const open = new Map<number, OpenTx>();
let nextTx = 0;

const ROLLBACK = Symbol('rollback');

/** Opens a PGlite transaction that stays open across messages until commit or rollback. */
function begin(): Promise<number> {
  return new Promise((started, failed) => {
    const txId = ++nextTx;
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((r) => (finish = r));
    let running = false;
    const done = pg
      .transaction(async (tx) => {
        running = true;
        open.set(txId, { tx, finish, done });
        started(txId);
        if (!(await decided)) throw ROLLBACK;
      })
      .then(
        () => undefined,
        (err: unknown) => {
          if (err === ROLLBACK) return;
          if (!running) failed(err);
          throw err;
        },
      )
      .finally(() => open.delete(txId));
    // A failure before the callback ran was reported through `failed`.
    done.catch(() => {});
  });
}

async function handle(m: WorkerRequest): Promise<unknown> {
  switch (m.kind) {
    case 'query': {
      const target = m.tx ? open.get(m.tx)?.tx : pg;
      if (!target) throw new Error('transaction is closed');
      const r = await target.query(m.sql, m.params, { rowMode: m.rowMode, ...(m.rawDates ? { parsers: raw } : {}) });
      return { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows };
    }
    case 'exec': {
      const target = m.tx ? open.get(m.tx)?.tx : pg;
      if (!target) throw new Error('transaction is closed');
      await target.exec(m.sql);
      return null;
    }
    case 'begin':
      return begin();
    case 'commit':
    case 'rollback': {
      const t = open.get(m.tx);
      if (!t) throw new Error('transaction is closed');
      t.finish(m.kind === 'commit');
      await t.done;
      return null;
    }
    case 'copy':
      // A crash loses at most the rows buffered in memory anyway: skip waiting for the WAL flush.
      await pg.transaction(async (tx) => {
        await tx.exec('SET LOCAL synchronous_commit = off');
        await tx.query(m.sql, [], { blob: new Blob([m.csv]) });
      });
      return null;
    case 'copyMerge':
      return pgliteCopyMerge(pg, m);
    case 'listen':
      await pg.listen(m.channel, (payload) => port.postMessage({ notify: m.channel, payload } satisfies WorkerReply));
      return null;
    case 'migrate':
      await migratePgliteInstance(pg);
      return null;
    case 'close':
      await pg.close();
      return null;
  }
}

port.on('message', (m: WorkerRequest) => {
  handle(m).then(
    (value) => port.postMessage({ id: m.id, ok: true, value } satisfies WorkerReply),
    (err: unknown) => {
      const e = err as { message?: string; code?: string; detail?: string };
      port.postMessage({ id: m.id, ok: false, error: { message: e.message ?? String(err), code: e.code, detail: e.detail } } satisfies WorkerReply);
    },
  );
});
port.postMessage({ id: 0, ok: true, value: 'ready' } satisfies WorkerReply);
