/** What a target is (a request loaded against one server) and what a suite of them brings to the run. */
import { asRecord, json, type KeyRole, type RunningServer, type ServerId, type ServerSpec } from './servers.js';

export type Headers = Record<string, string>;

export interface Target {
  /** Used in the table, the JSON, ratios and BENCH_TARGETS. */
  name: string;
  server: ServerId;
  description: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** The key it loads with, if one of ours: its responses are expected in that key's request logs. */
  key?: KeyRole;
  headers(server: RunningServer): Headers;
  /**
   * Headers that change with every request (merged over `headers`). Runs in the load generator,
   * which shares the machine with the server, so it must be cheap.
   */
  perRequestHeaders?: () => Headers;
  expectStatus: number;
  /** Checked on one request before loading, because a GraphQL 200 can still carry errors. */
  verify?(body: unknown, server: RunningServer): string | null;
  /**
   * The plan's windows count its requests: the probe requires X-RateLimit-Limit/-Remaining/-Reset
   * and RateLimit-Policy, and a probe after the run checks the day window's remaining points
   * dropped by at least the responses the run got.
   */
  limited?: boolean;
}

export interface Ratio {
  name: string;
  numerator: string;
  denominator: string;
  /** What the ratio says, for the goal lines. */
  label: string;
  /** When set, the ratio is a pass/fail goal. */
  atLeast?: number;
}

/** A service the benchmark must be pointed at: without it, a suite's targets are skipped. */
export interface Need {
  env: string;
  set: boolean;
  example: string;
  what: string;
}

/** One file under bench/targets/: a server, the targets loaded against it, and the ratios its targets are the numerator of. */
export interface Suite {
  server: ServerSpec;
  targets: Target[];
  ratios: Ratio[];
  needs?: Need;
}

export function keyOf(server: RunningServer, role: KeyRole): string {
  if (!server.keys) throw new Error(`${server.id} has no API keys`);
  return server.keys[role].secret;
}

const VIEWER_QUERY = JSON.stringify({ query: '{ viewer { id } }' });

/** `{ viewer { id } }` answered without errors, by the key the target loads with. */
function viewerIs(role: KeyRole): (body: unknown, server: RunningServer) => string | null {
  return (body, server) => {
    const b = asRecord(body);
    if (b?.errors) return `GraphQL errors: ${JSON.stringify(b.errors)}`;
    const id = asRecord(asRecord(b?.data)?.viewer)?.id;
    if (typeof id !== 'string') return `no data.viewer.id in ${JSON.stringify(body)}`;
    const want = server.keys?.[role].id;
    return want === undefined || id === want ? null : `data.viewer.id is ${id}, expected the ${role} key ${want}`;
  };
}

/** `{ viewer { id } }` over GraphQL with one of our keys: counted against the plan's windows and logged. */
export function graphqlTarget(name: string, server: ServerId, role: KeyRole, description: string): Target {
  return {
    name,
    server,
    description,
    method: 'POST',
    path: '/graphql',
    body: VIEWER_QUERY,
    key: role,
    headers: (s) => ({ ...json, authorization: `Bearer ${keyOf(s, role)}` }),
    expectStatus: 200,
    verify: viewerIs(role),
    limited: true,
  };
}
