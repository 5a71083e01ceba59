import type { Duplex } from 'node:stream';
import type {
  AcceptConnection,
  Client,
  ClientChannel,
  Connection,
  RejectConnection,
  ServerChannel,
  SocketRequestInfo,
  TcpipBindInfo,
  TcpipRequestInfo,
} from 'ssh2';
import type { JumpLogger, JumpTarget } from './jump-ports';
import { refusal } from './refusal-messages';
import { errorMessage } from './upstream-connect';

export interface ForwardingContext {
  connection: Connection;
  upstream: Client;
  target: JumpTarget;
  logger?: JumpLogger;
  /** Shows a refusal on the user's running sessions (a -L/-R has no channel of its own to write to). */
  announce(message: string): void;
}

/**
 * Port forwarding (-L, -R, unix sockets) and X11 channels between the user and the target. When
 * the policy refuses, the channel/request is rejected and the reason is announced; when it
 * allows, the jump opens the twin channel on the target and splices the two.
 */
export function attachForwarding(ctx: ForwardingContext): void {
  const { connection, upstream, target, logger } = ctx;
  const allowed = target.policy.portForwarding;
  const refuse = (what: string, reject: (() => void) | undefined): void => {
    const message = refusal.portForwardingDisabled(target.name);
    logger?.log(`refused ${what} on target ${target.name}: policy`);
    ctx.announce(message);
    reject?.();
  };

  connection.on('tcpip', (accept: AcceptConnection<ServerChannel>, reject: RejectConnection, info: TcpipRequestInfo) => {
    if (!allowed) return refuse(`direct-tcpip to ${info.destIP}:${info.destPort}`, reject);
    upstream.forwardOut(info.srcIP, info.srcPort, info.destIP, info.destPort, (err, remote) => {
      if (err) {
        logger?.warn(`direct-tcpip to ${info.destIP}:${info.destPort} via ${target.name} failed: ${errorMessage(err)}`);
        return reject();
      }
      splice(accept(), remote);
    });
  });

  connection.on('openssh.streamlocal', (accept: AcceptConnection<ServerChannel>, reject: RejectConnection, info: SocketRequestInfo) => {
    if (!allowed) return refuse(`direct-streamlocal to ${info.socketPath}`, reject);
    upstream.openssh_forwardOutStreamLocal(info.socketPath, (err, remote) => {
      if (err) return reject();
      splice(accept(), remote);
    });
  });

  connection.on('request', (accept: ((port?: number) => void) | undefined, reject: (() => void) | undefined, name: string, info: TcpipBindInfo) => {
    if (name !== 'tcpip-forward' && name !== 'cancel-tcpip-forward') {
      // streamlocal-forward needs server-initiated streamlocal channels ssh2 cannot relay here.
      return allowed ? reject?.() : refuse(name, reject);
    }
    if (!allowed) return refuse(`${name} ${info.bindAddr}:${info.bindPort}`, reject);
    if (name === 'cancel-tcpip-forward') {
      upstream.unforwardIn(info.bindAddr, info.bindPort, (err) => (err ? reject?.() : accept?.()));
      return;
    }
    upstream.forwardIn(info.bindAddr, info.bindPort, (err, port) => (err ? reject?.() : accept?.(port)));
  });

  // Connections arriving at a -R listener on the target travel back to the user.
  upstream.on('tcp connection', (info, acceptRemote, rejectRemote) => {
    connection.forwardOut(info.destIP, info.destPort, info.srcIP, info.srcPort, (err, local) => {
      if (err) return rejectRemote();
      splice(local, acceptRemote());
    });
  });

  // X11 is only requested upstream when the policy allowed it on the session (see SessionRelay).
  upstream.on('x11', (info, acceptRemote, rejectRemote) => {
    if (!target.policy.x11) return rejectRemote();
    connection.x11(info.srcIP, info.srcPort, (err, local) => {
      if (err) return rejectRemote();
      splice(local, acceptRemote());
    });
  });
}

/** Bidirectional pipe with backpressure; either side closing closes the other. */
function splice(a: ServerChannel | ClientChannel | Duplex, b: ServerChannel | ClientChannel | Duplex): void {
  a.pipe(b).pipe(a);
  const closeBoth = (): void => {
    a.destroy();
    b.destroy();
  };
  a.once('close', closeBoth);
  b.once('close', closeBoth);
  a.on('error', closeBoth);
  b.on('error', closeBoth);
}
