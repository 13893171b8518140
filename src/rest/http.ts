import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ApiError } from '../domain/errors.js';
import { snakeMessage } from '../domain/field-names.js';
import { isJsonType, parseJson, readBody } from '../http/body.js';
import { closeUnread, sendJson } from '../http/respond.js';

/**
 * The catalog's envelope, `{"error":{"code","message"}}`, with field names as REST spells them:
 * as laid out by `input`, the schema of the body the request sent, when it had one.
 */
export function sendError(res: ServerResponse, err: ApiError, input?: z.ZodType): void {
  if (err.code === 'payload_too_large') closeUnread(res);
  sendJson(res, err.status, { error: { code: err.code, message: snakeMessage(err, input) } }, { ...err.headers });
}

/** A REST request's JSON body; undefined when it had none. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const raw = await readBody(req, maxBytes);
  if (raw.length === 0) return undefined;
  if (!isJsonType(req.headers['content-type'])) {
    throw new ApiError('unsupported_media_type', 'Request body must be JSON, sent with Content-Type: application/json');
  }
  return parseJson(raw);
}
