import { judgeThroughput, summarizeViewer } from '../../bench/ssh/throughput-verdict';
import { negotiatedCiphers } from '../../bench/ssh/throughput';

describe('judgeThroughput (issue 13 goal 1)', () => {
  it('meets the goal only when both ratios hold', () => {
    expect(judgeThroughput({ vigil: 85, direct: 100, bareRelay: 90 }).ok).toBe(true);
    const relayMiss = judgeThroughput({ vigil: 81, direct: 100, bareRelay: 95 });
    expect(relayMiss.ok).toBe(false);
    expect(relayMiss.misses).toEqual(['0.85× the bare relay vs 0.9×: 4.5 MB/s short']);
    const directMiss = judgeThroughput({ vigil: 70, direct: 100, bareRelay: 72 });
    expect(directMiss.misses).toEqual(['0.7× direct vs 0.8×: 10 MB/s short']);
  });

  it('fails on a missing measurement instead of passing on NaN', () => {
    expect(judgeThroughput({ vigil: NaN, direct: 100, bareRelay: 90 }).ok).toBe(false);
    expect(judgeThroughput({ vigil: 90, direct: 100, bareRelay: NaN }).ok).toBe(false);
  });
});

describe('summarizeViewer', () => {
  it('names every event the viewer received', () => {
    expect(summarizeViewer({ viewerChars: 2_500_000, viewerEvents: { resync: 3, output: 40 } })).toBe('2.5 MB of output in 40 output, 3 resync');
    expect(summarizeViewer({})).toBe('0 MB of output, no events');
  });
});

describe('negotiatedCiphers', () => {
  it('reads one cipher per SSH connection from ssh -v output', () => {
    const stderr = [
      'debug1: kex: algorithm: curve25519-sha256',
      'debug1: kex: server->client cipher: aes128-gcm@openssh.com MAC: <implicit> compression: none',
      'debug1: kex: client->server cipher: aes128-gcm@openssh.com MAC: <implicit> compression: none',
      'debug1: kex: server->client cipher: chacha20-poly1305@openssh.com MAC: <implicit> compression: none',
    ].join('\n');
    expect(negotiatedCiphers(stderr)).toEqual(['aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com']);
    expect(negotiatedCiphers('READY')).toEqual([]);
  });
});
