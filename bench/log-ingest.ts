/**
 * Request-log ingestion into PostgreSQL: how many rows a second the batched COPY writer
 * sustains, and proof that none is lost.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/log-ingest.ts
 *
 * Only BENCH_DATABASE_URL is used (never DATABASE_URL): without it the run is skipped. Exits 1
 * when the goal is missed or a row is lost.
 *
 * Producers enqueue BENCH_LOG_ROWS rows (default 300,000) in bursts, as request handlers would,
 * while the writer flushes on its own timer; the clock stops when the last row is in the
 * database. The rows are counted back, then deleted. Prints a `LOG_BENCH_JSON {...}` line.
 */
import { eq, sql } from 'drizzle-orm';
import { openPostgres } from '../src/db/client.js';
import { requestLogs } from '../src/db/schema.js';
import { newId } from '../src/domain/ids.js';
import { RequestLogWriter, type RequestLogEntry } from '../src/domain/logs/writer.js';

const url = process.env.BENCH_DATABASE_URL || undefined;
const rows = Number(process.env.BENCH_LOG_ROWS ?? 300_000);
const TARGET = 20_000;

if (!url) {
  console.log(
    'log ingestion: skipped; set BENCH_DATABASE_URL, e.g. BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench, to run it (it writes request logs there and deletes them)',
  );
  process.exit(0);
}

const database = openPostgres(url, { max: 4 });
await database.migrate();
const marker = newId('workspace');
const writer = new RequestLogWriter(database, { flushIntervalMs: 250 });

function entry(i: number): RequestLogEntry {
  const at = new Date();
  return {
    id: newId('requestLog', at.getTime()),
    workspaceId: marker,
    keyId: `key_bench${i % 50}`,
    keyPrefix: 'wbk_live',
    requestId: newId('request', at.getTime()),
    method: i % 3 ? 'GET' : 'POST',
    endpoint: i % 3 ? 'GET /v1/me' : 'mutation createApiKey',
    operationType: i % 3 ? null : 'mutation',
    operationName: i % 3 ? null : 'createApiKey',
    status: i % 17 ? 200 : 429,
    durationMs: 0.5 + (i % 100) / 10,
    ip: `10.0.${(i >> 8) & 255}.${i & 255}`,
    credits: i % 5,
    counted: i % 17 !== 0,
    cost: 1,
    errorCode: i % 17 ? null : 'rate_limited',
    at,
    // Keys named here don't exist: last_used_at updates touch no row, as for a deleted key.
    authenticated: true,
  };
}

const started = performance.now();
const BURST = 2_000;
for (let i = 0; i < rows; i += BURST) {
  for (let j = i; j < Math.min(rows, i + BURST); j++) writer.enqueue(entry(j));
  // Let the writer's timer and the driver's I/O run between bursts, as between requests.
  await new Promise((r) => setImmediate(r));
}
await writer.close();
const seconds = (performance.now() - started) / 1000;

const [{ n } = { n: 0 }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(requestLogs).where(eq(requestLogs.workspaceId, marker));
await database.db.delete(requestLogs).where(eq(requestLogs.workspaceId, marker));
await database.close();

const perSecond = Math.round(rows / seconds);
const lost = rows - n;
const pass = perSecond >= TARGET && lost === 0;
console.log(`log ingestion into PostgreSQL: ${rows} rows in ${seconds.toFixed(2)} s = ${perSecond} rows/s; in the database: ${n}; lost: ${lost}`);
console.log(`target >= ${TARGET} rows/s with none lost: ${pass ? 'PASS' : 'FAIL'}`);
console.log(`LOG_BENCH_JSON ${JSON.stringify({ rows, seconds, perSecond, stored: n, lost, target: TARGET, pass })}`);
if (!pass) {
  console.error(`bench: goal log ingestion failed: measured ${perSecond} rows/s with ${lost} lost, wanted >= ${TARGET} rows/s with none lost`);
  process.exitCode = 1;
}
