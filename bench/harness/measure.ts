/** Load generation and measurement: one probe-checked, warmed-up autocannon run of a target. */
import autocannon from 'autocannon';
import { config } from './config.js';
import { cpuSnapshot, cpuUse, type CpuUse } from './cpu.js';
import type { RunningServer, ServerId } from './servers.js';
import type { Target } from './targets.js';

/** One measured run of one target in one round. */
export interface Measurement {
  round: number;
  target: string;
  server: ServerId;
  description: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Responses whose status was not the target's expected one. */
  unexpected: number;
  responses: number;
  statusCodes: Record<string, number>;
  /** Responses with the expected status during the unmeasured warm-up. */
  warmupResponses: number;
  /**
   * For `limited` targets: points the day window lost between the probes before and after
   * warm-up plus run (at least one per admitted request), and the responses in between that
   * should have been counted; null where not checked.
   */
  limitCheck: { points: number; responses: number } | null;
  /** How long we waited for the machine to go quiet before this run. */
  settleMs: number;
  /** Average cores used during the measured seconds, by party; null without /proc. */
  cpu: CpuUse | null;
}

function cannonOptions(target: Target, server: RunningServer, seconds: number): autocannon.Options {
  const headers = target.headers(server);
  const vary = target.perRequestHeaders;
  return {
    url: server.baseUrl + target.path,
    connections: config.connections,
    pipelining: 1,
    duration: seconds,
    method: target.method,
    headers,
    body: target.body,
    requests: vary ? [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...vary() } }) }] : undefined,
  };
}

interface DayWindow {
  limit: number;
  remaining: number;
  reset: number;
}

/** One request checked for status and body (and, on `limited` targets, the rate-limit headers). */
async function probe(target: Target, server: RunningServer): Promise<DayWindow | null> {
  const headers = { ...target.headers(server), ...target.perRequestHeaders?.() };
  const res = await fetch(server.baseUrl + target.path, { method: target.method, headers, body: target.body, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (target.key && res.status > 0) server.seen[target.key]++;
  if (res.status !== target.expectStatus) throw new Error(`${target.name}: expected ${target.expectStatus}, got ${res.status}: ${text.slice(0, 500)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${target.name}: response is not JSON: ${text.slice(0, 500)}`);
  }
  const problem = target.verify?.(body, server);
  if (problem) throw new Error(`${target.name}: ${problem}`);
  if (!target.limited) return null;
  const h = (n: string) => res.headers.get(n);
  const day = { limit: Number(h('x-ratelimit-limit')), remaining: Number(h('x-ratelimit-remaining')), reset: Number(h('x-ratelimit-reset')) };
  if (h('x-ratelimit-limit') === null || !Number.isInteger(day.limit) || !Number.isInteger(day.remaining) || !Number.isInteger(day.reset)) {
    throw new Error(
      `${target.name}: no X-RateLimit-Limit/-Remaining/-Reset on a metered request, so plan limits are not being counted ` +
        `(headers: ${JSON.stringify(Object.fromEntries(res.headers))})`,
    );
  }
  if (!h('ratelimit-policy')?.includes('"second"')) {
    throw new Error(`${target.name}: RateLimit-Policy names no per-second window: ${JSON.stringify(h('ratelimit-policy'))}`);
  }
  return day;
}

function expectedCount(r: autocannon.Result, target: Target): number {
  return r.statusCodeStats?.[String(target.expectStatus) as keyof typeof r.statusCodeStats]?.count ?? 0;
}

export async function measure(target: Target, server: RunningServer, servers: RunningServer[], round: number, settleMs: number): Promise<Measurement> {
  const dayBefore = await probe(target, server);
  let warmupResponses = 0;
  if (config.warmupSeconds > 0) warmupResponses = expectedCount(await autocannon(cannonOptions(target, server, config.warmupSeconds)), target);
  const before = cpuSnapshot(servers);
  const r = await autocannon(cannonOptions(target, server, config.seconds));
  const cpu = cpuUse(before, cpuSnapshot(servers));
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const expected = statusCodes[String(target.expectStatus)] ?? 0;
  if (target.key) server.seen[target.key] += warmupResponses + expected;

  let limitCheck: Measurement['limitCheck'] = null;
  if (target.limited && dayBefore) {
    // The probe after the run is itself counted, as are the warm-up and the measured requests.
    const dayAfter = await probe(target, server);
    if (dayAfter && dayAfter.reset === dayBefore.reset) {
      limitCheck = { points: dayBefore.remaining - dayAfter.remaining, responses: warmupResponses + expected + 1 };
    }
  }
  return {
    round,
    target: target.name,
    server: server.id,
    description: target.description,
    reqPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    unexpected: responses - expected,
    responses,
    statusCodes,
    warmupResponses,
    limitCheck,
    settleMs,
    cpu,
  };
}
