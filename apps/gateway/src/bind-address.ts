import { isIPv6 } from 'node:net';

const EVERY_INTERFACE: Record<string, { label: string; loopback: string }> = {
  '0.0.0.0': { label: 'every IPv4 interface', loopback: '127.0.0.1' },
  '::': { label: 'every interface', loopback: '[::1]' },
};

/**
 * What the start log says about a listening socket: where it really binds (`0.0.0.0:8080, every
 * IPv4 interface`: reachable from the network, not only from this machine) and a host:port that
 * reaches it from here (loopback for a wildcard bind, else the bound address itself).
 */
export function describeBinding(address: string, port: number): { bound: string; reachableAt: string } {
  const wildcard = EVERY_INTERFACE[address];
  const hostPort = `${isIPv6(address) ? `[${address}]` : address}:${port}`;
  if (wildcard) return { bound: `${hostPort}, ${wildcard.label}`, reachableAt: `${wildcard.loopback}:${port}` };
  return { bound: hostPort, reachableAt: hostPort };
}
