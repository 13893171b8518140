import { requestLogs } from '../../db/schema.js';
import { newestFirst } from '../pagination.js';

/** Request logs, newest first: a log's id is a ULID of its request's start. */
export const requestLogList = newestFirst({ name: 'request_logs', label: 'request logs', defaultLimit: 50, id: requestLogs.id, kind: 'requestLog' });
