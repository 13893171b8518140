/**
 * The run: selects the targets (BENCH_TARGETS, and the services the benchmark was pointed at),
 * starts their servers, measures every target in interleaved rounds, asks the servers for their
 * accounts, and reports. Servers and temp dirs are cleaned up however it ends.
 */
import { cpus } from 'node:os';
import { config } from './config.js';
import { IDLE_TIMEOUT_MS, OTHER_MAX_CORES, waitForQuiet } from './cpu.js';
import { measure, type Measurement } from './measure.js';
import { children, cleanup } from './processes.js';
import { redisQuotaTotal } from './redis.js';
import { duration, report, type Account } from './report.js';
import { callJson, FULL_KEY_BODY, type RunningServer, type ServerId } from './servers.js';
import type { Suite } from './targets.js';

async function main(suites: Suite[]): Promise<number> {
  const startedAt = Date.now();
  const all = suites.flatMap((s) => s.targets);
  const selected = all.filter((t) => !config.only || config.only.has(t.name));
  if (selected.length === 0) throw new Error(`BENCH_TARGETS matched nothing; targets are: ${all.map((t) => t.name).join(', ')}`);
  for (const { server, needs: need } of suites) {
    if (!need) continue;
    const names = selected.filter((t) => t.server === server.id).map((t) => t.name);
    if (need.set || names.length === 0) continue;
    if (config.only) throw new Error(`BENCH_TARGETS names ${names.join(', ')}: set ${need.env} (e.g. ${need.example}) to run them`);
    process.stdout.write(`bench: skipping ${names.join(', ')} (${need.what}): set ${need.env}, e.g. ${need.env}=${need.example}, to run them\n`);
  }
  const skipped = new Set(suites.filter((s) => s.needs && !s.needs.set).map((s) => s.server.id));
  const targets = selected.filter((t) => !skipped.has(t.server));
  const needed = suites.map((s) => s.server).filter((s) => targets.some((t) => t.server === s.id));

  const cpuModel = cpus()[0]?.model ?? 'unknown';
  const perRun = config.warmupSeconds + config.seconds;
  process.stdout.write(
    `bench: ${config.rounds} interleaved round${config.rounds === 1 ? '' : 's'} of ${targets.length} targets, ` +
      `each run ${config.seconds}s after ${config.warmupSeconds}s warm-up (~${duration(config.rounds * targets.length * perRun * 1000)} of load), ` +
      `${config.connections} connections, pipelining 1; node ${process.version}, ${cpus().length} CPUs (${cpuModel})\n`,
  );

  // In parallel: starting is CPU-heavy but finishes before any load begins.
  process.stdout.write(`starting: ${needed.map((s) => s.label).join('; ')}\n`);
  const running = new Map<ServerId, RunningServer>();
  for (const s of await Promise.all(needed.map((spec) => spec.start()))) running.set(s.id, s);
  const servers = [...running.values()];
  for (const s of servers) {
    if (s.keys)
      process.stdout.write(
        `${s.id}: workspace ${s.keys.workspaceId}, admin key ${s.keys.admin.id} (standard tier), full key ${s.keys.full.id} (standard tier, quotas ${JSON.stringify(FULL_KEY_BODY.quotas)})\n`,
      );
  }

  const measurements: Measurement[] = [];
  const warnings: string[] = [];
  const nameWidth = Math.max(...targets.map((t) => t.name.length));
  for (let round = 1; round <= config.rounds; round++) {
    process.stdout.write(`round ${round}/${config.rounds}\n`);
    for (const target of targets) {
      const server = running.get(target.server)!;
      const quiet = await waitForQuiet();
      if (quiet.timedOut) {
        warnings.push(
          `WARNING round ${round} ${target.name}: the machine was still busy (${quiet.busyCores.toFixed(2)} cores) after ${IDLE_TIMEOUT_MS / 1000}s, ran anyway`,
        );
      }
      const m = await measure(target, server, servers, round, quiet.ms);
      measurements.push(m);
      const c = m.cpu;
      const cores = c
        ? `; cores: server ${c.servers.toFixed(2)}, autocannon ${c.loadgen.toFixed(2)}${config.databaseUrl ? `, postgres ${c.postgres.toFixed(2)}` : ''}` +
          `${servers.some((s) => s.redisUrl) ? `, redis ${c.redis.toFixed(2)}` : ''}, other ${c.other.toFixed(2)}`
        : '';
      process.stdout.write(
        `  ${target.name.padEnd(nameWidth)}  ${m.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${m.p50Ms.toFixed(2)} ms  p99 ${m.p99Ms.toFixed(2)} ms` +
          `  (settled ${m.settleMs} ms${cores})\n`,
      );
      if (c && c.other > OTHER_MAX_CORES) {
        warnings.push(
          `WARNING round ${round} ${target.name}: processes outside the benchmark used ${c.other.toFixed(2)} cores while it was measured; that run is unreliable`,
        );
      }
      if (server.child.proc.exitCode !== null || server.child.proc.signalCode !== null) {
        throw new Error(`${server.child.name} exited during ${target.name} (round ${round}):\n${server.child.output.lastLines()}`);
      }
      if (m.unexpected > 0 || m.errors > 0) {
        warnings.push(
          `WARNING round ${round} ${m.target}: ${m.unexpected} of ${m.responses} responses not ${target.expectStatus} ` +
            `(status counts ${JSON.stringify(m.statusCodes)}), ${m.errors} connection errors (${m.timeouts} timeouts)`,
        );
      }
      if (target.limited && m.limitCheck === null) {
        warnings.push(`WARNING round ${round} ${m.target}: the UTC day turned during the run, so its plan-limit count was not checked`);
      } else if (m.limitCheck && m.limitCheck.points < m.limitCheck.responses) {
        warnings.push(
          `WARNING round ${round} ${m.target}: the plan's day window lost ${m.limitCheck.points} points for ${m.limitCheck.responses} admitted responses: requests went uncounted`,
        );
      }
    }
  }

  // Proof that every request was logged and, on Redis, counted there: the server's own accounts
  // against what this process saw. Asked for only now, so none of it runs during a measurement.
  const accounts: Account[] = [];
  const since = new Date(startedAt - 60_000).toISOString();
  for (const s of servers) {
    if (!s.keys) continue;
    for (const role of ['admin', 'full'] as const) {
      if (!targets.some((t) => t.server === s.id && t.key === role)) continue;
      const key = s.keys[role];
      const account: Account = { server: s.id, key: role, keyId: key.id, seen: s.seen[role], logged: null, redisQuotaTotal: null };
      try {
        const usage = await callJson(s.id, s.baseUrl, 'GET', `/v1/api-keys/${key.id}/usage?from=${encodeURIComponent(since)}`, s.keys.admin.secret);
        s.seen.admin++;
        account.logged = Number(usage.calls);
        if (s.redisUrl && role === 'full') account.redisQuotaTotal = await redisQuotaTotal(s.redisUrl, key.id);
      } catch (err) {
        warnings.push(`WARNING ${s.id} ${role} key: could not read its accounts: ${err instanceof Error ? err.message : String(err)}`);
      }
      accounts.push(account);
      // The usage call above was made with the admin key after its own count: it may be logged or not yet.
      if (account.logged !== null && account.logged < account.seen) {
        warnings.push(`WARNING ${s.id} ${role} key: ${account.logged} requests logged for ${account.seen} responses received: request logs were lost`);
      }
      if (s.redisUrl && role === 'full' && account.logged !== null && (account.redisQuotaTotal ?? 0) < account.seen) {
        warnings.push(`WARNING ${s.id} full key: Redis counted ${account.redisQuotaTotal} admissions against its quota for ${account.seen} responses`);
      }
    }
  }

  for (const s of servers) {
    const problems = s.child.output.problems;
    if (problems.length > 0) warnings.push(`WARNING ${s.child.name} logged ${problems.length} warn/error lines, first: ${problems[0]}`);
  }

  return report({ suites, targets, servers, measurements, accounts, warnings, startedAt });
}

/** Runs the benchmark over `suites` (in their order) and exits: 0, or 1 when a goal fell short or the run failed. */
export async function runBench(suites: Suite[]): Promise<never> {
  // A Ctrl-C must not leave servers holding ports and temp dirs behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping servers\n`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  // Last resort if we exit without running cleanup: at least no orphaned servers.
  process.on('exit', () => {
    for (const c of children) c.proc.kill('SIGKILL');
  });

  let exitCode = 1;
  try {
    exitCode = await main(suites);
  } catch (err) {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  } finally {
    await cleanup();
  }
  process.exit(exitCode);
}
