import type { IncomingMessage } from 'node:http';
import { clientAddress } from './client-address';

const request = (peer: string, forwarded?: string) =>
  ({ socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as unknown as IncomingMessage;

describe('clientAddress (the upgrade request, by VIGIL_TRUST_PROXY)', () => {
  it('trusts no X-Forwarded-For unless told to', () => {
    expect(clientAddress(request('10.0.0.9', '6.6.6.6'), false)).toBe('10.0.0.9');
  });

  it('a hop count or a list of proxies: the address the trusted proxy saw', () => {
    expect(clientAddress(request('10.0.0.9', '203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.9', '6.6.6.6, 203.0.113.7'), ['10.0.0.9'])).toBe('203.0.113.7');
    // A peer that is not a listed proxy: its forwarded header is ignored.
    expect(clientAddress(request('192.0.2.1', '203.0.113.7'), ['10.0.0.9'])).toBe('192.0.2.1');
  });
});
