/**
 * `npm run bench`: the throughput benchmark, then the request-log ingestion, lead import and
 * lead search benchmarks, each in its own process. All run even when one fails; the exit code is 1 when any failed.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const failed: string[] = [];
for (const script of ['bench/run.ts', 'bench/log-ingest.ts', 'bench/lead-import.ts', 'bench/lead-search.ts']) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed.push(`${script} (${r.signal ?? `exit ${r.status}`})`);
}
if (failed.length) process.stderr.write(`bench: failed: ${failed.join(', ')}\n`);
process.exit(failed.length ? 1 : 0);
