import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ApiError, errors } from '../domain/errors.js';
import { camelizeInput, snakeMessage } from '../domain/field-names.js';
import { findNul, nulError } from '../domain/validation.js';
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

/**
 * No body reads as `{}`; a body that is not a JSON object (`null`, `[]`, `3`) is refused, not
 * taken for `{}`. The domain reads camelCase: the body's field names are converted at every
 * depth, as the operation's input schema lays them out (a record's keys stay as sent). A NUL is
 * looked for after that, so that its path is in the domain's names, as every validation error's
 * is, and the error envelope names it back as it was sent.
 */
export function objectBody(body: unknown, input: z.ZodType | undefined): unknown {
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.validation('body', 'must be a JSON object');
  const camel = camelizeInput(body, input);
  const nul = findNul(camel);
  if (nul) throw nulError(nul, 'body');
  return camel;
}
