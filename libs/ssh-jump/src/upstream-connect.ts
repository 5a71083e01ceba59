import { Client, type ConnectConfig } from 'ssh2';
import { decideHostKey, sha256Fingerprint } from './host-key-fingerprint';
import type { JumpLogger, JumpPorts, JumpTarget } from './jump-ports';
import { refusal } from './refusal-messages';

export interface UpstreamOptions {
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  readyTimeoutMs: number;
}

export type UpstreamResult =
  | { ok: true; client: Client; hostKeySha256: string }
  | { ok: false; reason: 'host-key-changed' | 'unreachable'; message: string };

/**
 * Opens the jump's own SSH connection to the target with the stored account, checking the
 * target's host key against the pin (trust on first use). Resolves, never rejects: every failure
 * becomes a user-facing message, while details that may be sensitive go to the logger only.
 */
export function connectUpstream(
  target: JumpTarget,
  ports: Pick<JumpPorts, 'pinHostKey'>,
  options: UpstreamOptions,
  logger?: JumpLogger,
): Promise<UpstreamResult> {
  return new Promise((resolve) => {
    const client = new Client();
    let settled = false;
    let seen = '';
    let hostKeyRefusal: string | undefined;

    const settle = (result: UpstreamResult): void => {
      if (settled) return;
      settled = true;
      if (!result.ok) client.end();
      resolve(result);
    };

    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username,
      password: target.password,
      privateKey: target.privateKey,
      passphrase: target.passphrase,
      keepaliveInterval: options.keepaliveIntervalMs,
      keepaliveCountMax: options.keepaliveCountMax,
      readyTimeout: options.readyTimeoutMs,
      // Only the stored credentials: never fall back to an agent or keyboard prompts.
      tryKeyboard: false,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        seen = sha256Fingerprint(key);
        const decision = decideHostKey(target.hostKeySha256, seen);
        if (decision.action === 'accept') return verify(true);
        if (decision.action === 'refuse') {
          hostKeyRefusal = refusal.hostKeyChanged(target.name, decision.expected, seen);
          logger?.warn(`host key mismatch for target ${target.name}: pinned ${decision.expected}, offered ${seen}`);
          return verify(false);
        }
        ports.pinHostKey(target.name, seen).then(
          () => {
            logger?.log(`pinned host key ${seen} for target ${target.name} (first use)`);
            verify(true);
          },
          (err: unknown) => {
            logger?.error(`could not pin host key for target ${target.name}: ${errorMessage(err)}`);
            verify(false);
          },
        );
      },
    };

    client.once('ready', () => settle({ ok: true, client, hostKeySha256: seen }));
    client.on('error', (err) => {
      if (hostKeyRefusal) {
        settle({ ok: false, reason: 'host-key-changed', message: hostKeyRefusal });
        return;
      }
      logger?.warn(`upstream connection to target ${target.name} failed: ${errorMessage(err)}`);
      settle({ ok: false, reason: 'unreachable', message: refusal.targetUnreachable(target.name) });
    });
    client.once('close', () => settle({ ok: false, reason: 'unreachable', message: refusal.targetUnreachable(target.name) }));
    client.connect(config);
  });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
