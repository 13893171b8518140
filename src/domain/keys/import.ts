import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { apiKeys } from '../../db/schema.js';
import type { Clock } from '../clock.js';
import { workspaceWithPlan, type KeyAnnouncer, type WorkspaceLookup } from '../context.js';
import { ApiError, errors } from '../errors.js';
import { camelizeInput, snakeMessage } from '../field-names.js';
import type { RateLimitTier } from '../principal.js';
import { assertScopesFitPlan, expandScopes } from '../scopes.js';
import { parseInput } from '../validation.js';
import { createKeyInput, newKeyQuotas } from './inputs.js';
import { displayParts, hashSecret, isOwnFormat, isWellFormedSecret, MAX_KEY_LENGTH, SECRET_PREFIX } from './secret.js';
import { assertFuture, assertNameFree, insertKeyRow, lockWorkspaceKeys, type StoredSecret } from './service.js';

/**
 * Import of keys made elsewhere (an operator moving from another system), one NDJSON line per
 * key: the key's SHA-256 or its plaintext, and the same fields, rules and messages as creating a
 * key. Keys keep working as they were: a foreign format (`capi_…`) is looked up by its hash.
 */

/** One line of an import file, at most: far above any valid line, which is a few hundred bytes. */
export const MAX_IMPORT_LINE_BYTES = 16 * 1024;
/** Shorter secrets are guessable; such a key can still be imported by its hash. */
export const MIN_IMPORTED_KEY_LENGTH = 16;

/** What a bearer token can carry: visible ASCII, no spaces. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

const hash = z
  .string({ error: 'must be a string' })
  .regex(/^[0-9a-fA-F]{64}$/, { error: "must be the key's SHA-256, as 64 hexadecimal characters" })
  .transform((s) => s.toLowerCase());

// Messages never quote the value: it is a secret.
const key = z
  .string({ error: 'must be a string' })
  .min(MIN_IMPORTED_KEY_LENGTH, { error: `must be at least ${MIN_IMPORTED_KEY_LENGTH} characters (import a shorter key by its hash)` })
  .max(MAX_KEY_LENGTH, { error: `must be at most ${MAX_KEY_LENGTH} characters` })
  .regex(TOKEN_CHARS, { error: 'must be printable ASCII without spaces, as sent after "Bearer "' });

const prefix = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must be 1 to 12 characters' })
  .max(12, { error: 'must be 1 to 12 characters' })
  .regex(TOKEN_CHARS, { error: 'must be printable ASCII without spaces' });

export const importKeyLine = createKeyInput.extend({ hash: hash.optional(), key: key.optional(), prefix: prefix.optional() });

export type ImportOutcome = 'imported' | 'skipped' | 'failed';

export interface ImportLineResult {
  line: number;
  result: ImportOutcome;
  /** The key's id: the new one, or (skipped) the one already holding the hash. */
  id?: string;
  name?: string;
  /** Why it was skipped or failed; never quotes the secret. */
  reason?: string;
}

export interface ImportLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

/** A line refused before it is read, for its size; shared with the CLI, which does not send it. */
export function oversizedLine(l: ImportLine): ImportLineResult | undefined {
  const bytes = Buffer.byteLength(l.text);
  return bytes > MAX_IMPORT_LINE_BYTES
    ? { line: l.line, result: 'failed', reason: `is ${bytes} bytes; a line may be at most ${MAX_IMPORT_LINE_BYTES}` }
    : undefined;
}

class LineRefused extends Error {}

interface PreparedLine {
  input: z.output<typeof importKeyLine>;
  stored: StoredSecret;
  scopes: ReturnType<typeof expandScopes>['scopes'];
  tier: RateLimitTier;
  source: 'hash' | 'key';
}

function prepare(text: string, plan: { id: string; allowsUnmetered: boolean }, now: number): PreparedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the line, which may hold a plaintext key.
    throw new LineRefused('is not valid JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new LineRefused('must be a JSON object');
  const input = parseInput(importKeyLine, camelizeInput(raw, importKeyLine));
  if ((input.hash === undefined) === (input.key === undefined))
    throw new LineRefused('needs exactly one of hash (the SHA-256 of the key) and key (its plaintext)');
  const { scopes, unknown } = expandScopes(input.permissions);
  if (unknown.length) throw errors.validation('permissions', `has an unknown scope "${unknown[0]}"`);
  assertScopesFitPlan(scopes, plan.id);
  const tier = input.rateLimitTier ?? 'standard';
  if (tier === 'unmetered' && !plan.allowsUnmetered) throw errors.validation('rateLimitTier', 'unmetered is only available on enterprise plans');
  assertFuture('expiresAt', input.expiresAt, now);

  let stored: StoredSecret;
  if (input.key !== undefined) {
    const secret = input.key;
    if (isOwnFormat(secret) && !isWellFormedSecret(secret)) {
      throw errors.validation(
        'key',
        `starts with ${SECRET_PREFIX} but is not a key of this server (its length or checksum is wrong), so it could never authenticate`,
      );
    }
    if (input.prefix !== undefined && !secret.startsWith(input.prefix))
      throw errors.validation('prefix', 'must be how key begins (or leave it out: it is taken from key)');
    stored = { keyHash: hashSecret(secret), ...displayParts(secret), foreignFormat: !isOwnFormat(secret) };
  } else {
    // Nothing says what the secret looks like, so it may be foreign: the gateway must look such tokens up.
    const given = input.prefix ?? '';
    stored = { keyHash: input.hash!, prefix: given.slice(0, 8), start: given, last4: null, foreignFormat: true };
  }
  return { input, stored, scopes, tier, source: input.key !== undefined ? 'key' : 'hash' };
}

/**
 * Imports `lines` into a workspace, each in its own transaction: a bad line is reported (by its
 * number, with the reason) and the others are imported. A hash the workspace already holds is
 * skipped and left unchanged, so importing a file again changes nothing; a hash another
 * workspace holds is refused. Each new key is audited as created (actor: the CLI) and announced
 * to every instance's cache.
 */
export async function importKeys(
  { db, clock, lookup, keyChanged }: { db: Db; clock: Clock; lookup: WorkspaceLookup; keyChanged: KeyAnnouncer },
  workspaceId: string,
  lines: readonly ImportLine[],
): Promise<ImportLineResult[]> {
  const { plan } = await workspaceWithPlan(lookup, workspaceId);
  const results: ImportLineResult[] = [];
  for (const l of lines) {
    if (!l.text.trim()) continue;
    const oversized = oversizedLine(l);
    if (oversized) {
      results.push(oversized);
      continue;
    }
    const now = clock.now();
    let prepared: PreparedLine;
    try {
      prepared = prepare(l.text, plan, now);
    } catch (err) {
      if (err instanceof LineRefused) results.push({ line: l.line, result: 'failed', reason: err.message });
      else if (err instanceof ApiError) results.push({ line: l.line, result: 'failed', reason: snakeMessage(err, importKeyLine) });
      else throw err;
      continue;
    }
    const result = await importOne(db, workspaceId, l.line, prepared, now);
    results.push(result);
    if (result.result === 'imported') await keyChanged(prepared.stored.keyHash, { foreign: prepared.stored.foreignFormat });
  }
  return results;
}

async function importOne(db: Db, workspaceId: string, line: number, p: PreparedLine, now: number): Promise<ImportLineResult> {
  const { input, stored } = p;
  try {
    return await db.transaction(async (tx): Promise<ImportLineResult> => {
      await lockWorkspaceKeys(tx, workspaceId);
      const [held] = await tx.select({ id: apiKeys.id, workspaceId: apiKeys.workspaceId }).from(apiKeys).where(eq(apiKeys.keyHash, stored.keyHash));
      if (held && held.workspaceId !== workspaceId) return { line, result: 'failed', reason: 'this key belongs to another workspace' };
      if (held) return { line, result: 'skipped', id: held.id, reason: `already present as ${held.id} (same hash); left unchanged` };
      await assertNameFree(tx, workspaceId, input.name, now);
      const row = await insertKeyRow(
        tx,
        {
          workspaceId,
          name: input.name,
          description: input.description ?? null,
          category: input.category ?? null,
          permissions: p.scopes,
          rateLimitTier: p.tier,
          expiresAt: input.expiresAt ?? null,
          quotas: newKeyQuotas(input.quotas),
          createdByKeyId: null,
        },
        stored,
        now,
        { imported: true, actor: 'cli', from: p.source, foreignFormat: stored.foreignFormat },
      );
      return { line, result: 'imported', id: row.id, name: row.name };
    });
  } catch (err) {
    if (err instanceof ApiError) return { line, result: 'failed', reason: snakeMessage(err, importKeyLine) };
    // Another import of the same hash committed between our check and our insert.
    if (isUniqueViolation(err)) return { line, result: 'failed', reason: 'the same key was being imported at the same time; import the file again' };
    throw err;
  }
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
