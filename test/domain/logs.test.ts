import type { PageQuery } from '../../src/domain/pagination.js';
import { newId } from '../../src/domain/ids.js';
import { listOwnRequestLogs, listRequestLogs, ownUsage, usage } from '../../src/domain/logs/query.js';
import type { RequestLogEntry } from '../../src/domain/logs/writer.js';
import { describe, expect, test, type Caller, type Domain, type TestWorkspace } from '../support/fixture.js';
import { moveToTomorrow } from '../support/harness.js';
import { logEntry } from '../support/log-entry.js';

const PAGE = { limit: 100 };
const MIN = 60_000;

/**
 * Queues one request log per `[key, endpoint, status, credits]`, a minute apart from `start`,
 * as the gateway would after answering; the query functions flush the queue before reading.
 */
function logRequests(domain: Domain, ws: TestWorkspace, start: number, rows: [Caller, string, number, number][]): RequestLogEntry[] {
  const entries = rows.map(([caller, endpoint, status, credits], i) =>
    logEntry({
      id: newId('requestLog', start + i * MIN),
      workspaceId: ws.workspace.id,
      keyId: caller.key.id,
      requestId: `req_${ws.workspace.id}_${i}`,
      at: new Date(start + i * MIN),
      method: endpoint.split(' ')[0]!,
      endpoint,
      status,
      credits,
      errorCode: status >= 400 ? 'not_found' : null,
    }),
  );
  domain.log(...entries);
  return entries;
}

/** A workspace whose admin and a second key made five requests on a fresh day; the clock is then past them. */
async function busyWorkspace(domain: Domain) {
  const start = moveToTomorrow(domain.clock, '09:00:00');
  const ws = await domain.workspace();
  const worker = await domain.caller(ws, { permissions: ['read:contacts'] });
  const entries = logRequests(domain, ws, start, [
    [ws.admin, 'GET /v1/me', 200, 0],
    [worker, 'GET /v1/contacts', 200, 3],
    [worker, 'GET /v1/contacts', 404, 0],
    [worker, 'query viewer', 200, 2],
    [ws.admin, 'GET /v1/contacts', 500, 0],
  ]);
  domain.clock.set(start + 10 * MIN);
  return { ws, worker, start, ids: entries.map((e) => e.id) };
}

describe('request logs', () => {
  test("are the workspace's, newest first, filtered by key, status, status class, endpoint and time", async ({ domain }) => {
    const { ws, worker, start, ids } = await busyWorkspace(domain);
    const ctx = ws.admin.ctx();
    const list = async (filter: Parameters<typeof listRequestLogs>[1], page: PageQuery = PAGE) =>
      (await listRequestLogs(ctx, filter, page)).items.map((r) => ids.indexOf(r.id));
    /** The cursor just past the newest `n` entries. */
    const cursorAfter = async (n: number) => (await listRequestLogs(ctx, {}, { limit: n })).nextCursor;
    expect(await list({})).toEqual([4, 3, 2, 1, 0]);
    expect(await list({ apiKeyId: worker.key.id })).toEqual([3, 2, 1]);
    expect(await list({ status: 404 })).toEqual([2]);
    expect(await list({ statusClass: '5xx' })).toEqual([4]);
    expect(await list({ endpoint: 'GET /v1/contacts' })).toEqual([4, 2, 1]);
    expect(await list({ from: new Date(start + MIN).toISOString(), to: new Date(start + 3 * MIN).toISOString() })).toEqual([2, 1]);
    expect(await list({}, { limit: 2 })).toEqual([4, 3]);
    expect(await list({}, { limit: 2, cursor: await cursorAfter(2) })).toEqual([2, 1]);
    expect(await list({}, { limit: 1, before: await cursorAfter(4), fromEnd: true })).toEqual([2]);
  });

  test('need read:logs, except for a key reading its own', async ({ domain }) => {
    const { ws, worker, ids } = await busyWorkspace(domain);
    await expect(listRequestLogs(worker.ctx(), {}, PAGE)).rejects.toMatchObject({
      code: 'insufficient_permissions',
      message: 'Missing required permission: read:logs',
    });
    await expect(usage(worker.ctx(), {})).rejects.toMatchObject({ code: 'insufficient_permissions', message: 'Missing required permission: read:logs' });
    expect((await listOwnRequestLogs(worker.ctx(), {}, PAGE)).items.map((r) => ids.indexOf(r.id))).toEqual([3, 2, 1]);
    expect((await listOwnRequestLogs(ws.admin.ctx(), { statusClass: '2xx' }, PAGE)).items.map((r) => ids.indexOf(r.id))).toEqual([0]);
  });

  test("name another workspace's key not_found, and never show its requests", async ({ domain }) => {
    const mine = await busyWorkspace(domain);
    const theirs = await busyWorkspace(domain);
    const ctx = mine.ws.admin.ctx();
    await expect(listRequestLogs(ctx, { apiKeyId: theirs.worker.key.id }, PAGE)).rejects.toMatchObject({ code: 'not_found', message: 'API key not found' });
    await expect(usage(ctx, { apiKeyId: theirs.worker.key.id })).rejects.toMatchObject({ code: 'not_found', message: 'API key not found' });
    const seen = (await listRequestLogs(ctx, {}, PAGE)).items.map((r) => r.workspaceId);
    expect(new Set(seen)).toEqual(new Set([mine.ws.workspace.id]));
  });

  test('refuse a bad filter naming the field', async ({ domain }) => {
    const { ws } = await busyWorkspace(domain);
    const ctx = ws.admin.ctx();
    await expect(listRequestLogs(ctx, { status: 42 }, PAGE)).rejects.toMatchObject({ code: 'validation_error', message: 'status must be an HTTP status code' });
    await expect(listRequestLogs(ctx, { statusClass: '6xx' as '5xx' }, PAGE)).rejects.toMatchObject({
      message: 'statusClass must be one of 2xx, 3xx, 4xx, 5xx',
    });
    await expect(listRequestLogs(ctx, { from: 'yesterday' }, PAGE)).rejects.toMatchObject({
      message: 'from must be an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z',
    });
    await expect(usage(ctx, { from: '2027-01-02T00:00:00Z', to: '2027-01-01T00:00:00Z' })).rejects.toMatchObject({ message: 'from must be before to' });
  });
});

describe('usage', () => {
  test("counts today's calls, errors, credits and endpoints, for the workspace or one key", async ({ domain }) => {
    const { ws, worker, start } = await busyWorkspace(domain);
    const all = await usage(ws.admin.ctx(), {});
    expect(all).toMatchObject({ calls: 5, errors: 2, errorRate: 0.4, creditsUsed: 5 });
    expect(all.from.toISOString()).toBe(new Date(start).toISOString().slice(0, 10) + 'T00:00:00.000Z');
    expect(all.lastUsedAt).toEqual(new Date(start + 4 * MIN));
    expect(all.endpoints).toEqual([
      { endpoint: 'GET /v1/contacts', calls: 3, errors: 2, errorRate: 0.6667 },
      { endpoint: 'GET /v1/me', calls: 1, errors: 0, errorRate: 0 },
      { endpoint: 'query viewer', calls: 1, errors: 0, errorRate: 0 },
    ]);
    const one = await usage(ws.admin.ctx(), { apiKeyId: worker.key.id });
    expect(one).toMatchObject({ calls: 3, errors: 1, creditsUsed: 5, lastUsedAt: new Date(start + 3 * MIN) });
    // A key's own usage needs no scope, and is the same as the admin's view of that key.
    expect(await ownUsage(worker.ctx(), {})).toEqual(one);
    // Tomorrow the default window is empty.
    domain.clock.advance(86_400_000);
    expect(await usage(ws.admin.ctx(), {})).toMatchObject({ calls: 0, errors: 0, errorRate: 0, creditsUsed: 0, endpoints: [] });
  });
});
