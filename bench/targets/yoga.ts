/** (a) The baseline: bare graphql-yoga answering `{ hello }`, with nothing of ours in front of it. */
import { freePort, spawnTs, waitUntilReady } from '../harness/processes.js';
import { asRecord, json } from '../harness/servers.js';
import type { Suite } from '../harness/targets.js';

export const yoga: Suite = {
  server: {
    id: 'yoga',
    label: 'bare graphql-yoga (bench/bare-yoga.ts)',
    async start() {
      const port = await freePort();
      const child = spawnTs('bare-yoga', 'bench/bare-yoga.ts', [], { PORT: String(port), HOST: '127.0.0.1' });
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitUntilReady(child, `${baseUrl}/graphql?query=%7Bhello%7D`, { method: 'GET' });
      return { id: 'yoga', baseUrl, keys: null, redisUrl: null, child, seen: { admin: 0, full: 0 } };
    },
  },
  targets: [
    {
      name: 'yoga-graphql',
      server: 'yoga',
      description: 'bare Yoga: POST /graphql { hello }',
      method: 'POST',
      path: '/graphql',
      body: JSON.stringify({ query: '{ hello }' }),
      headers: () => json,
      expectStatus: 200,
      verify: (body) => (asRecord(asRecord(body)?.data)?.hello === 'world' ? null : `unexpected body ${JSON.stringify(body)}`),
    },
  ],
  // The other suites' ratios are to this one.
  ratios: [],
};
