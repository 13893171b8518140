/**
 * Where the CPU went. On two cores anything else that runs (a test suite in another shell,
 * PostgreSQL still vacuuming after a flood, our server writing the request logs a flood queued)
 * is charged to whichever target is being measured. So before each run we wait, bounded, for the
 * whole machine to go quiet, and during each run we account for every CPU tick: our servers, the
 * load generator (this process), PostgreSQL, Redis, and the rest. Linux only (/proc); elsewhere we
 * neither wait nor account.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { config } from './config.js';
import { sleep } from './processes.js';
import type { RunningServer } from './servers.js';

/** USER_HZ, the unit of /proc/stat and /proc/<pid>/stat; 100 on every mainstream Linux. */
const CLOCK_TICKS_PER_SEC = 100;
const IDLE_SAMPLE_MS = 250;
/** The machine counts as quiet when all its processes together use less than this many cores. */
const IDLE_MAX_CORES = 0.2;
export const IDLE_TIMEOUT_MS = 5_000;
/** A run during which processes outside the benchmark used more than this many cores is flagged. */
export const OTHER_MAX_CORES = 0.2;

/** Busy ticks of the whole machine (all cores), or null without /proc/stat. */
function machineBusyTicks(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return Number.isFinite(busy) && Number.isFinite(idle! + iowait!) ? busy : null;
  } catch {
    return null;
  }
}

/** CPU time a process (all its threads) has used, in clock ticks; null if unreadable. */
function processTicks(pid: number | string | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; fields from 3 on follow it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]); // utime + stime
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/**
 * Ticks used by every local process named postgres (the server and its backends) and, while a
 * server of ours counts in Redis, redis-server: the work they do for the targets is theirs, not
 * someone else's.
 */
function serviceTicks(want: { postgres: boolean; redis: boolean }): { postgres: number; redis: number } {
  const sum = { postgres: 0, redis: 0 };
  if (!want.postgres && !want.redis) return sum;
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return sum;
  }
  for (const pid of pids) {
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (want.postgres && comm === 'postgres') sum.postgres += processTicks(pid) ?? 0;
    else if (want.redis && comm === 'redis-server') sum.redis += processTicks(pid) ?? 0;
  }
  return sum;
}

interface CpuSnapshot {
  at: number;
  machine: number | null;
  servers: number;
  postgres: number;
  redis: number;
  /** This process, which runs autocannon. */
  self: number;
}

export function cpuSnapshot(servers: RunningServer[]): CpuSnapshot {
  const self = process.cpuUsage();
  return {
    at: Date.now(),
    machine: machineBusyTicks(),
    servers: servers.reduce((a, s) => a + (processTicks(s.child.proc.pid) ?? 0), 0),
    ...serviceTicks({ postgres: config.databaseUrl !== undefined, redis: servers.some((s) => s.redisUrl !== null) }),
    self: ((self.user + self.system) / 1e6) * CLOCK_TICKS_PER_SEC,
  };
}

/** Average cores each party used between two snapshots; null where /proc is not there. */
export interface CpuUse {
  /** Our server processes (PGlite runs inside ours). */
  servers: number;
  /** The load generator. */
  loadgen: number;
  postgres: number;
  redis: number;
  /** Everything else on the machine. */
  other: number;
}

export function cpuUse(a: CpuSnapshot, b: CpuSnapshot): CpuUse | null {
  if (a.machine === null || b.machine === null) return null;
  const sec = (b.at - a.at) / 1000;
  if (sec <= 0) return null;
  const cores = (ticks: number) => Math.max(0, ticks) / CLOCK_TICKS_PER_SEC / sec;
  const servers = b.servers - a.servers;
  const self = b.self - a.self;
  const pg = b.postgres - a.postgres;
  const redis = b.redis - a.redis;
  return {
    servers: cores(servers),
    loadgen: cores(self),
    postgres: cores(pg),
    redis: cores(redis),
    other: cores(b.machine - a.machine - servers - self - pg - redis),
  };
}

/** Waits until the whole machine is quiet over one sample window, at most IDLE_TIMEOUT_MS. */
export async function waitForQuiet(): Promise<{ ms: number; timedOut: boolean; busyCores: number }> {
  const start = Date.now();
  let before = machineBusyTicks();
  if (before === null) return { ms: 0, timedOut: false, busyCores: 0 };
  let at = start;
  let busyCores = 0;
  while (Date.now() - start < IDLE_TIMEOUT_MS) {
    await sleep(IDLE_SAMPLE_MS);
    const after = machineBusyTicks();
    const now = Date.now();
    if (after === null) return { ms: now - start, timedOut: false, busyCores: 0 };
    busyCores = (after - before) / CLOCK_TICKS_PER_SEC / ((now - at) / 1000);
    if (busyCores <= IDLE_MAX_CORES) return { ms: now - start, timedOut: false, busyCores };
    before = after;
    at = now;
  }
  return { ms: Date.now() - start, timedOut: true, busyCores };
}
