/**
 * (b)–(e) Our server on PGlite with counters in process: GraphQL and REST with the admin key,
 * the full gateway with a quota key, and the invalid-key floods.
 */
import { randomBytes } from 'node:crypto';
import { generateSecret, isWellFormedSecret, SECRET_PREFIX } from '../../src/domain/keys/secret.js';
import { startOursPglite, asRecord, type ServerId } from '../harness/servers.js';
import { graphqlTarget, keyOf, type Headers, type Suite, type Target } from '../harness/targets.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Right shape, wrong checksum: the server refuses these before any cache or database. */
function badChecksumKey(): string {
  for (;;) {
    let tail = '';
    for (const b of randomBytes(38)) tail += BASE62[b % 62];
    const key = SECRET_PREFIX + tail;
    if (!isWellFormedSecret(key)) return key;
  }
}

/** Precomputed and cycled so the load generator spends nothing per request; the server keeps no memory of checksum failures, so repeats cost it the same. */
function cycling(keys: string[]): () => Headers {
  let i = 0;
  return () => ({ authorization: `Bearer ${keys[i++ % keys.length]}` });
}

function errorCodeOf(body: unknown): unknown {
  return asRecord(asRecord(body)?.error)?.code;
}

/** Our server's targets; defined once so the PGlite and PostgreSQL runs (bench/targets/pg.ts) load exactly the same requests. */
export function oursTargets(server: ServerId, prefix: string): Target[] {
  return [
    graphqlTarget(`${prefix}-graphql`, server, 'admin', 'POST /graphql { viewer { id } }, admin key (standard tier: plan limits counted; logged)'),
    {
      name: `${prefix}-rest-me`,
      server,
      description: 'GET /v1/me, admin key (standard tier: plan limits counted; logged)',
      method: 'GET',
      path: '/v1/me',
      key: 'admin',
      headers: (s) => ({ authorization: `Bearer ${keyOf(s, 'admin')}` }),
      expectStatus: 200,
      verify(body, s) {
        const data = asRecord(asRecord(body)?.data);
        if (!data) return `no data in ${JSON.stringify(body)}`;
        const want = s.keys?.admin.id;
        return want === undefined || data.id === want ? null : `data.id is ${JSON.stringify(data.id)}, expected the admin key ${want}`;
      },
      limited: true,
    },
    graphqlTarget(`${prefix}-full`, server, 'full', 'POST /graphql { viewer { id } }, REST-created key: plan limits + rolling quotas + logging'),
    {
      name: `${prefix}-bad-key`,
      server,
      description: 'GET /v1/me, a different invalid key each request (bad checksum)',
      method: 'GET',
      path: '/v1/me',
      headers: () => ({}),
      perRequestHeaders: cycling(Array.from({ length: 4096 }, badChecksumKey)),
      expectStatus: 401,
      verify: (body) => (errorCodeOf(body) === 'invalid_key' ? null : `expected invalid_key, got ${JSON.stringify(body)}`),
    },
    {
      // An attacker can compute CRC32, so this is the flood that gets past the checksum:
      // every key is new, so each one misses the cache and costs a database lookup.
      name: `${prefix}-forged-key`,
      server,
      description: 'GET /v1/me, a new unknown key each request (valid checksum)',
      method: 'GET',
      path: '/v1/me',
      headers: () => ({}),
      perRequestHeaders: () => ({ authorization: `Bearer ${generateSecret()}` }),
      expectStatus: 401,
      verify: (body) => (errorCodeOf(body) === 'invalid_key' ? null : `expected invalid_key, got ${JSON.stringify(body)}`),
    },
  ];
}

export const ours: Suite = {
  server: {
    id: 'ours',
    label: 'our server, PGlite in a fresh DATA_DIR, counters in process',
    start: () => startOursPglite('ours', null),
  },
  targets: oursTargets('ours', 'ours'),
  ratios: [
    { name: 'b/a', numerator: 'ours-graphql', denominator: 'yoga-graphql', label: 'our GraphQL, plan limits counted + logging', atLeast: 0.9 },
    { name: 'c/a', numerator: 'ours-rest-me', denominator: 'yoga-graphql', label: 'our REST /v1/me' },
    { name: 'e/a', numerator: 'ours-full', denominator: 'yoga-graphql', label: 'full gateway in process', atLeast: 0.9 },
  ],
};
