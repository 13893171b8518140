import type { RequestLogEntry } from '../../src/domain/logs/writer.js';

/** A request-log entry of an admitted, authenticated `GET /v1/me`; tests name what differs. */
export function logEntry(fields: Pick<RequestLogEntry, 'id' | 'workspaceId' | 'keyId' | 'requestId' | 'at'> & Partial<RequestLogEntry>): RequestLogEntry {
  return {
    keyPrefix: 'wbk_live',
    method: 'GET',
    endpoint: 'GET /v1/me',
    operationType: null,
    operationName: null,
    status: 200,
    durationMs: 1,
    ip: '127.0.0.1',
    credits: 0,
    counted: true,
    cost: 1,
    errorCode: null,
    authenticated: true,
    ...fields,
  };
}
