import { createHash } from 'node:crypto';
import { and, eq, lte } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { idempotencyRecords } from '../db/schema.js';
import type { ServiceContext } from './context.js';
import { ApiError, type ErrorCode, errors } from './errors.js';

/** Records live 24 h (seed 003), then are purged. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** An in-flight record older than this belongs to a request that died; a retry may take it over. */
export const IN_FLIGHT_TIMEOUT_MS = 60_000;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

type Stored = { ok: true; status: number; result: string } | { ok: false; code: ErrorCode; message: string; field?: string };

export interface IdempotentOutcome<T> {
  value: T;
  replayed: boolean;
}

/** Stable JSON: object keys sorted, undefined dropped, so equal requests hash equally on either surface. */
function canonical(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** What "the same request" means: the operation and its input, canonically serialised. */
export function requestHashFor(operation: string, request: unknown): string {
  return createHash('sha256')
    .update(canonical({ op: operation, request }))
    .digest('hex');
}

export function validateIdempotencyKey(key: string): void {
  if (!KEY_SHAPE.test(key)) throw errors.validation('Idempotency-Key', 'must be 1 to 255 visible ASCII characters');
}

/**
 * Runs `execute` at most once per (workspace, calling API key, Idempotency-Key) within 24 h
 * (IETF draft-ietf-httpapi-idempotency-key-header, Stripe's semantics): the same request replays
 * the first outcome, errors included; another request under the same key is refused with
 * idempotency_mismatch; a retry while the first still runs gets idempotency_in_flight.
 * Records belong to the calling key, the draft's "client": a replay may carry a plaintext
 * secret, so another key sending the same Idempotency-Key runs its own request instead (and a
 * rotated key, having a new id, starts afresh).
 * `execute` gets the transaction that also marks the record done, so a result is never
 * committed without its record.
 */
export async function runIdempotent<T>(
  ctx: ServiceContext,
  opts: {
    key: string;
    operation: string;
    request: unknown;
    successStatus: number;
    execute: (tx: Db) => Promise<T>;
    serialize: (value: T) => string;
    deserialize: (stored: string) => T;
  },
): Promise<IdempotentOutcome<T>> {
  validateIdempotencyKey(opts.key);
  const { db, clock, sealer } = ctx;
  const { workspaceId, keyId: apiKeyId } = ctx.principal;
  const now = clock.now();
  const requestHash = requestHashFor(opts.operation, opts.request);
  const recordKey = and(
    eq(idempotencyRecords.workspaceId, workspaceId),
    eq(idempotencyRecords.apiKeyId, apiKeyId),
    eq(idempotencyRecords.idempotencyKey, opts.key),
  );

  // An expired record no longer binds the key.
  await db.delete(idempotencyRecords).where(and(recordKey, lte(idempotencyRecords.expiresAt, new Date(now))));
  const claimed = await db
    .insert(idempotencyRecords)
    .values({
      workspaceId,
      apiKeyId,
      idempotencyKey: opts.key,
      operation: opts.operation,
      requestHash,
      state: 'in_flight',
      createdAt: new Date(now),
      expiresAt: new Date(now + IDEMPOTENCY_TTL_MS),
    })
    .onConflictDoNothing()
    .returning({ createdAt: idempotencyRecords.createdAt });

  if (claimed.length === 0) {
    const [existing] = await db.select().from(idempotencyRecords).where(recordKey);
    if (!existing) throw new ApiError('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed; retry shortly');
    if (existing.requestHash !== requestHash) {
      throw new ApiError('idempotency_mismatch', 'Idempotency-Key was already used with a different request; use a new key for a new request');
    }
    if (existing.state === 'done' && existing.responseSealed) {
      const stored = JSON.parse(sealer.open(existing.responseSealed)) as Stored;
      ctx.recordReplayed();
      if (!stored.ok) throw new ApiError(stored.code, stored.message, {}, stored.field);
      return { value: opts.deserialize(stored.result), replayed: true };
    }
    const abandoned = existing.createdAt.getTime() < now - IN_FLIGHT_TIMEOUT_MS;
    const takenOver =
      abandoned &&
      (
        await db
          .update(idempotencyRecords)
          .set({ createdAt: new Date(now) })
          .where(and(recordKey, eq(idempotencyRecords.state, 'in_flight'), eq(idempotencyRecords.createdAt, existing.createdAt)))
          .returning({ k: idempotencyRecords.idempotencyKey })
      ).length === 1;
    if (!takenOver) {
      throw new ApiError('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed; retry shortly', {
        'Retry-After': '1',
      });
    }
  }

  const finish = (tx: Db, stored: Stored, status: number) =>
    tx
      .update(idempotencyRecords)
      .set({ state: 'done', responseStatus: status, responseSealed: sealer.seal(JSON.stringify(stored)) })
      .where(recordKey);

  try {
    const value = await db.transaction(async (tx) => {
      const v = await opts.execute(tx);
      await finish(tx, { ok: true, status: opts.successStatus, result: opts.serialize(v) }, opts.successStatus);
      return v;
    });
    return { value, replayed: false };
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) {
      await finish(db, { ok: false, code: err.code, message: err.message, field: err.field }, err.status);
    } else {
      // Free the key so the client's retry can run, unless the record is done: then the work
      // committed (e.g. the connection died after COMMIT was sent) and the retry must replay it.
      await db.delete(idempotencyRecords).where(and(recordKey, eq(idempotencyRecords.state, 'in_flight')));
    }
    throw err;
  }
}

export async function purgeIdempotencyRecords(db: Db, now: number): Promise<number> {
  const gone = await db
    .delete(idempotencyRecords)
    .where(lte(idempotencyRecords.expiresAt, new Date(now)))
    .returning({ k: idempotencyRecords.idempotencyKey });
  return gone.length;
}
