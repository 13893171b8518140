import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from 'proxy-addr';

/**
 * Which hops in front of the server are the operator's own proxies: none (`false`), the
 * nearest `n` hops, or the hops whose addresses fall in a list of addresses, CIDR ranges and
 * proxy-addr's names `loopback`, `linklocal`, `uniquelocal`.
 */
export type TrustProxy = false | number | readonly string[];

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY's text: `false` (default), a hop count, or a comma list of addresses, CIDRs and
 * names. `true` is refused: it used to mean "believe the left-most X-Forwarded-For", which any
 * client writes.
 */
export function parseTrustProxy(text: string): TrustProxy {
  const v = text.trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (v === 'true') {
    throw new Error(
      "TRUST_PROXY=true would believe any client's X-Forwarded-For; set the number of proxy hops in front of the server (e.g. 1) or their addresses (e.g. loopback,10.0.0.0/8)",
    );
  }
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const entry of list) {
    if (NAMES.has(entry)) continue;
    try {
      proxyAddr.compile(entry);
    } catch {
      throw new Error(`TRUST_PROXY entry "${entry.slice(0, 64)}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`);
    }
  }
  return list;
}

/** An IP address as a peer has one: no zone id (`fe80::1%<anything>` passes net.isIP), at most 45 characters. */
function isAddress(addr: string): boolean {
  return addr.length <= 45 && !addr.includes('%') && isIP(addr) !== 0;
}

function canonical(addr: string): string {
  return addr.startsWith('::ffff:') && isIP(addr.slice(7)) === 4 ? addr.slice(7) : addr;
}

/**
 * The caller's address: walking from the socket back through X-Forwarded-For, the first hop
 * that is not a trusted proxy (proxy-addr, Express's own resolver). Whatever a client writes
 * to the left of that is ignored. An entry that is not an IP address is never the answer: the
 * hop that forwarded it (the last address we could verify) is taken as the caller instead, so
 * garbage cannot reach the IP block or the request log.
 */
export function clientIpResolver(trust: TrustProxy): (req: IncomingMessage) => string {
  const socketAddress = (req: IncomingMessage) => canonical(req.socket.remoteAddress ?? 'unknown');
  if (trust === false || trust === 0) return socketAddress;
  const trusted = typeof trust === 'number' ? (_addr: string, hop: number) => hop < trust : proxyAddr.compile([...trust]);
  // An invalid entry is never trusted, so the walk stops at it whatever the trust setting.
  const trustValid = (addr: string, hop: number) => isAddress(addr) && trusted(addr, hop);
  return (req) => {
    const hops = proxyAddr.all(req, trustValid);
    for (let i = hops.length - 1; i >= 0; i--) {
      const addr = hops[i]!;
      if (isAddress(addr)) return canonical(addr);
    }
    return socketAddress(req);
  };
}
