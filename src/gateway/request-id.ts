import { newId } from '../domain/ids.js';
import { isWellFormedSecret, SECRET_LENGTH, SECRET_PREFIX } from '../domain/keys/secret.js';

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;
/** Our prefix with any separators ("wbk-live-", "WBK.LIVE."): underscores are refused anyway. */
const KEY_PREFIX = /wbk[^A-Za-z0-9]?live/i;
const BODY_CHARS = SECRET_LENGTH - SECRET_PREFIX.length;
const ALNUM_RUN = new RegExp(`[0-9A-Za-z]{${BODY_CHARS},}`, 'g');

/**
 * Whether a caller's id may hold one of our secrets, e.g. a key pasted into the wrong header:
 * our prefix in any spelling, or a run of characters that is a key's body (its checksum
 * matches; a random run does so about once in 5·10^10).
 */
function mayHoldSecret(id: string): boolean {
  if (KEY_PREFIX.test(id)) return true;
  for (const run of id.match(ALNUM_RUN) ?? []) {
    for (let i = 0; i + BODY_CHARS <= run.length; i++) {
      if (isWellFormedSecret(SECRET_PREFIX + run.slice(i, i + BODY_CHARS))) return true;
    }
  }
  return false;
}

/**
 * A caller's well-formed X-Request-ID is echoed; anything else, and anything that may hold an
 * API key (which would then be echoed and stored in the request log), gets a fresh `req_…` id.
 */
export function requestIdFor(header: string | string[] | undefined, now: number): string {
  return typeof header === 'string' && WELL_FORMED.test(header) && !mayHoldSecret(header) ? header : newId('request', now);
}
