/** Reporting: the table of medians, the per-round ratios and goals, the accounts, and the BENCH_JSON line. */
import { cpus } from 'node:os';
import { config } from './config.js';
import type { Measurement } from './measure.js';
import type { KeyRole, RunningServer, ServerId } from './servers.js';
import type { Ratio, Suite, Target } from './targets.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  // Numbers right-aligned, the name column left-aligned.
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)].join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A target across its rounds: medians for the rates and latencies, sums for the counts. */
interface Summary {
  target: string;
  server: ServerId;
  description: string;
  rounds: number;
  /** Median over rounds. */
  reqPerSec: number;
  reqPerSecMin: number;
  reqPerSecMax: number;
  /** Median over rounds of each round's p50 / p99. */
  p50Ms: number;
  p99Ms: number;
  /** Summed over rounds, as are the counts below. */
  errors: number;
  timeouts: number;
  non2xx: number;
  unexpected: number;
  responses: number;
  statusCodes: Record<string, number>;
  /** The most cores processes outside the benchmark used during any of its rounds; null without /proc. */
  otherCoresMax: number | null;
}

function summarize(target: Target, runs: Measurement[]): Summary {
  const sum = (f: (m: Measurement) => number) => runs.reduce((a, m) => a + f(m), 0);
  const statusCodes: Record<string, number> = {};
  for (const m of runs) for (const [code, n] of Object.entries(m.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const rates = runs.map((m) => m.reqPerSec);
  return {
    target: target.name,
    server: target.server,
    description: target.description,
    rounds: runs.length,
    reqPerSec: median(rates),
    reqPerSecMin: Math.min(...rates),
    reqPerSecMax: Math.max(...rates),
    p50Ms: median(runs.map((m) => m.p50Ms)),
    p99Ms: median(runs.map((m) => m.p99Ms)),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    non2xx: sum((m) => m.non2xx),
    unexpected: sum((m) => m.unexpected),
    responses: sum((m) => m.responses),
    statusCodes,
    otherCoresMax: runs.every((m) => m.cpu) ? Math.max(...runs.map((m) => m.cpu!.other)) : null,
  };
}

/** What the server says it logged (and on Redis, counted) for one key, against what we saw. */
export interface Account {
  server: ServerId;
  key: KeyRole;
  keyId: string;
  seen: number;
  logged: number | null;
  redisQuotaTotal: number | null;
}

interface RatioResult {
  name: string;
  label: string;
  numerator: string;
  denominator: string;
  /** Median of the per-round ratios. */
  value: number;
  min: number;
  max: number;
  /** Each round's numerator / the same round's denominator. */
  perRound: { round: number; value: number }[];
  atLeast?: number;
  pass?: boolean;
}

function ratios(measurements: Measurement[], defs: Ratio[]): RatioResult[] {
  const out: RatioResult[] = [];
  for (const r of defs) {
    const perRound: { round: number; value: number }[] = [];
    for (let round = 1; round <= config.rounds; round++) {
      const num = measurements.find((m) => m.round === round && m.target === r.numerator);
      const den = measurements.find((m) => m.round === round && m.target === r.denominator);
      if (num && den && den.reqPerSec > 0) perRound.push({ round, value: num.reqPerSec / den.reqPerSec });
    }
    if (perRound.length === 0) continue;
    const values = perRound.map((p) => p.value);
    const value = median(values);
    out.push({
      ...r,
      value,
      min: Math.min(...values),
      max: Math.max(...values),
      perRound,
      ...(r.atLeast !== undefined ? { pass: value >= r.atLeast } : {}),
    });
  }
  return out;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export interface Results {
  suites: Suite[];
  /** The targets that ran. */
  targets: Target[];
  servers: RunningServer[];
  measurements: Measurement[];
  accounts: Account[];
  warnings: string[];
  startedAt: number;
}

/** Prints the results; the exit code: 1 when a measured goal fell short. */
export function report({ suites, targets, servers, measurements, accounts, warnings, startedAt }: Results): number {
  const allRatios = suites.flatMap((s) => s.ratios);
  const redisServers = new Set<ServerId>(servers.filter((s) => s.redisUrl !== null).map((s) => s.id));
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  const summaries = targets.map((t) =>
    summarize(
      t,
      measurements.filter((m) => m.target === t.name),
    ),
  );
  const rows = [['target', 'req/s', 'min', 'max', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'unexpected', 'other cores']];
  for (const s of summaries) {
    rows.push([
      s.target,
      s.reqPerSec.toFixed(0),
      s.reqPerSecMin.toFixed(0),
      s.reqPerSecMax.toFixed(0),
      s.p50Ms.toFixed(2),
      s.p99Ms.toFixed(2),
      String(s.errors),
      String(s.non2xx),
      String(s.unexpected),
      s.otherCoresMax === null ? '-' : s.otherCoresMax.toFixed(2),
    ]);
  }
  const rs = ratios(measurements, allRatios);
  const elapsedMs = Date.now() - startedAt;
  process.stdout.write(
    `\nmedians over ${config.rounds} round${config.rounds === 1 ? '' : 's'} (min/max: the rounds' req/s extremes; errors, non-2xx, unexpected: summed; other cores: the most any round's measurement shared with processes outside the benchmark)\n` +
      `${table(rows)}\n\n`,
  );
  const pairWidth = Math.max(0, ...rs.map((r) => `${r.numerator} / ${r.denominator}`.length));
  const nameW = Math.max(0, ...rs.map((r) => r.name.length));
  for (const r of rs) {
    const goal = r.atLeast !== undefined ? `   goal >= ${r.atLeast.toFixed(2)}: ${r.pass ? 'PASS' : 'FAIL'}` : '';
    const spread = `median of ${r.perRound.length}, min ${r.min.toFixed(3)}, max ${r.max.toFixed(3)}; by round ${r.perRound.map((p) => p.value.toFixed(3)).join(' ')}`;
    process.stdout.write(`${r.name.padEnd(nameW)} ${`${r.numerator} / ${r.denominator}`.padEnd(pairWidth)} = ${r.value.toFixed(3)}  (${spread})${goal}\n`);
  }
  for (const a of accounts) {
    process.stdout.write(
      `accounts ${a.server} ${a.key} key: ${a.seen} responses received, ${a.logged ?? '?'} requests logged` +
        `${redisServers.has(a.server) && a.key === 'full' ? `, ${a.redisQuotaTotal ?? '?'} admissions in its Redis quota counter` : ''}\n`,
    );
  }
  const limitChecks = measurements.filter((m) => m.limitCheck);
  if (limitChecks.length > 0) {
    const short = limitChecks.filter((m) => m.limitCheck!.points < m.limitCheck!.responses).length;
    process.stdout.write(
      `plan limits: ${limitChecks.length} metered runs checked (X-RateLimit-* present; day window lost >= 1 point per admitted response): ${short === 0 ? 'all counted' : `${short} runs short`}\n`,
    );
  }
  for (const w of warnings) process.stdout.write(`${w}\n`);
  process.stdout.write(`bench: measured in ${duration(elapsedMs)}\n`);
  for (const r of rs.filter((x) => x.atLeast !== undefined)) {
    process.stdout.write(
      `GOAL ${r.name} ${r.label} (${r.numerator} / ${r.denominator}): ${r.value.toFixed(3)}, goal >= ${r.atLeast!.toFixed(2)}: ${r.pass ? 'PASS' : 'FAIL'}\n`,
    );
  }
  for (const r of allRatios.filter((x) => x.atLeast !== undefined && !rs.some((y) => y.name === x.name))) {
    const need = [r.numerator, r.denominator].map((n) => suites.find((s) => s.targets.some((t) => t.name === n))!.needs).find((x) => x && !x.set);
    process.stdout.write(
      `GOAL ${r.name} ${r.label} (${r.numerator} / ${r.denominator}): not measured (${need ? `set ${need.env} to measure it` : 'target not selected'})\n`,
    );
  }
  const failed = rs.filter((r) => r.pass === false);

  const report = {
    config: {
      rounds: config.rounds,
      seconds: config.seconds,
      warmupSeconds: config.warmupSeconds,
      connections: config.connections,
      pipelining: 1,
    },
    env: { node: process.version, cpus: cpus().length, cpuModel },
    /** Per target across rounds: reqPerSec, p50Ms and p99Ms are medians. */
    measurements: summaries,
    /** `value` is the median of the per-round ratios. */
    ratios: rs,
    rounds: Array.from({ length: config.rounds }, (_, i) => ({
      round: i + 1,
      measurements: measurements.filter((m) => m.round === i + 1),
    })),
    pass: failed.length === 0,
    goals: rs.filter((r) => r.atLeast !== undefined).map((r) => ({ name: r.name, label: r.label, value: r.value, atLeast: r.atLeast, pass: r.pass })),
    /** Per server and key: responses this process received, requests the server logged, and (Redis) its quota counter. */
    accounts,
    warnings,
    elapsedSeconds: Math.round(elapsedMs / 1000),
  };
  process.stdout.write(`BENCH_JSON ${JSON.stringify(report)}\n`);
  for (const r of failed) {
    process.stderr.write(
      `bench: goal ${r.name} failed: ${r.label} (${r.numerator} / ${r.denominator}) measured ${r.value.toFixed(3)}, wanted >= ${r.atLeast!.toFixed(2)}\n`,
    );
  }
  return failed.length === 0 ? 0 : 1;
}
