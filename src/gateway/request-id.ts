import { newId } from '../domain/ids.js';

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's well-formed X-Request-ID is echoed; anything else gets a fresh `req_…` id. */
export function requestIdFor(header: string | string[] | undefined, now: number): string {
  return typeof header === 'string' && WELL_FORMED.test(header) ? header : newId('request', now);
}
