import { isIP } from 'node:net';

/** Names proxy-addr (Fastify's trustProxy, and the RDP tunnel's upgrade rule) accepts for whole address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * VIGIL_TRUST_PROXY, for Fastify's `trustProxy`: who may tell Vigil the client's address in
 * `X-Forwarded-For`. The login throttle keys on that address, so trusting a header any client can
 * write would let an attacker pick a fresh "source IP" per guess. Hence: off by default, and
 * `true` (trust every hop) is refused; name the proxies (addresses, subnets, `loopback`…) or the
 * number of proxy hops in front of Vigil.
 */
export function parseTrustProxy(raw: string | undefined): { value: false | number | string[]; problem?: string } {
  const text = (raw ?? '').trim();
  if (text === '' || text === '0' || text === 'false' || text === 'off') return { value: false };
  const expected = 'a number of proxy hops (1-10), or a comma-separated list of proxy addresses, subnets (10.0.0.0/8) or loopback, linklocal, uniquelocal';
  if (text === 'true') return { value: false, problem: `VIGIL_TRUST_PROXY=true would trust an address any client can forge; give ${expected}` };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops >= 1 && hops <= 10 ? { value: hops } : { value: false, problem: `VIGIL_TRUST_PROXY must be ${expected} (got "${raw}")` };
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !RANGE_NAMES.has(entry) && !isAddressOrSubnet(entry));
  if (bad.length > 0) return { value: false, problem: `VIGIL_TRUST_PROXY must be ${expected} (bad entries: ${bad.map((b) => `"${b}"`).join(', ')})` };
  return { value: entries };
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
