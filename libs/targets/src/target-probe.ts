import { createHash } from 'node:crypto';
import { Socket } from 'node:net';
import { Client } from 'ssh2';
import type { TargetProtocol } from './entities/target.entity';

/** What "Test connection" found: reachability, time to answer, and for SSH the host key offered. */
export interface TargetProbeResult {
  reachable: boolean;
  /** time to the TCP connect (rdp/vnc) or to the host key (ssh), ms */
  latencyMs: number | null;
  /** ssh only: the fingerprint the target offered now (`SHA256:…`), null when none was offered */
  hostKeySha256: string | null;
  /** ssh only: whether it is the pinned one (null: nothing pinned, or not ssh) */
  matchesPin: boolean | null;
  error: string | null;
}

export interface ProbeRequest {
  protocol: TargetProtocol;
  host: string;
  port: number;
  pinnedHostKeySha256: string | null;
}

/** Long enough for a slow WAN target's banner, short enough that the admin's page does not hang. */
export const TARGET_PROBE_TIMEOUT_MS = 5_000;

const fingerprint = (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
const bare = (pin: string) => pin.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');

/**
 * Reaches the target the way Vigil will, without logging in: SSH up to the host key (the key is
 * read, then the handshake is abandoned, so no credential is ever sent), RDP/VNC a TCP connect
 * (guacd does the protocol). Never throws: a failure is a result with its reason.
 */
export function probeTarget(request: ProbeRequest, timeoutMs: number, now: () => number = Date.now): Promise<TargetProbeResult> {
  return request.protocol === 'ssh' ? probeSsh(request, timeoutMs, now) : probeTcp(request, timeoutMs, now);
}

function probeTcp(request: ProbeRequest, timeoutMs: number, now: () => number): Promise<TargetProbeResult> {
  const started = now();
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (result: Omit<TargetProbeResult, 'hostKeySha256' | 'matchesPin'>) => {
      socket.destroy();
      resolve({ ...result, hostKeySha256: null, matchesPin: null });
    };
    socket.setTimeout(timeoutMs, () => done({ reachable: false, latencyMs: null, error: `no answer within ${timeoutMs} ms` }));
    socket.once('error', (error) => done({ reachable: false, latencyMs: null, error: describe(error) }));
    socket.connect(request.port, request.host, () => done({ reachable: true, latencyMs: now() - started, error: null }));
  });
}

function probeSsh(request: ProbeRequest, timeoutMs: number, now: () => number): Promise<TargetProbeResult> {
  const started = now();
  return new Promise((resolve) => {
    const client = new Client();
    let settled = false;
    const done = (result: TargetProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ reachable: false, latencyMs: null, hostKeySha256: null, matchesPin: null, error: `no SSH host key within ${timeoutMs} ms` }),
      timeoutMs,
    );
    client.on('error', (error) => done({ reachable: false, latencyMs: null, hostKeySha256: null, matchesPin: null, error: describe(error) }));
    client.connect({
      host: request.host,
      port: request.port,
      username: 'vigil-connection-test',
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        const offered = fingerprint(key);
        const pinned = request.pinnedHostKeySha256;
        done({
          reachable: true,
          latencyMs: now() - started,
          hostKeySha256: offered,
          matchesPin: pinned === null ? null : bare(pinned) === bare(offered),
          error: null,
        });
        return false; // stop here: nothing is authenticated, no credential leaves Vigil
      },
    });
  });
}

function describe(error: Error & { code?: string }): string {
  return error.code ? `${error.message.replace(/^connect /, '')}` : error.message;
}
