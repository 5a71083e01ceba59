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
import type { ForwardSession } from './forward-session';
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
  /** The connection's forwarding session: every forwarded channel belongs to it. */
  forwards: ForwardSession;
  /** The connection's request budget; false = refused (or the connection is being cut). */
  admit(): boolean;
}

/**
 * Port forwarding (-L, -R, -W, unix sockets) and X11 channels between the user and the target.
 * When the policy refuses, the channel/request is rejected and the reason is announced; when it
 * allows, the connection's forwarding session is registered first (no byte moves through a
 * tunnel nobody can see), then the jump opens the twin channel on the target and splices the two.
 */
export function attachForwarding(ctx: ForwardingContext): void {
  const { connection, upstream, target, logger, forwards } = ctx;
  const allowed = target.policy.portForwarding;
  const refuse = (what: string, reject: (() => void) | undefined): void => {
    const message = refusal.portForwardingDisabled(target.name);
    logger?.log(`refused ${what} on target ${target.name}: policy`);
    ctx.announce(message);
    reject?.();
  };
  /** Registers the forwarding session; false (announced) when the registry refuses it. */
  const registered = async (): Promise<boolean> => {
    if (await forwards.ready()) return true;
    if (!forwards.ended) ctx.announce(refusal.sessionRefused());
    return false;
  };

  connection.on('tcpip', (accept: AcceptConnection<ServerChannel>, reject: RejectConnection, info: TcpipRequestInfo) => {
    if (!ctx.admit()) return reject();
    const destination = `${info.destIP}:${info.destPort}`;
    if (!allowed) return refuse(`direct-tcpip to ${destination}`, reject);
    void registered().then((ok) => {
      if (!ok) return reject();
      upstream.forwardOut(info.srcIP, info.srcPort, info.destIP, info.destPort, (err, remote) => {
        if (err) {
          logger?.warn(`direct-tcpip to ${destination} via ${target.name} failed: ${errorMessage(err)}`);
          return reject();
        }
        if (forwards.ended) {
          remote.destroy();
          return reject();
        }
        forwards.carry('direct-tcpip', destination, `${info.srcIP}:${info.srcPort}`, accept() as unknown as Duplex, remote);
      });
    });
  });

  connection.on('openssh.streamlocal', (accept: AcceptConnection<ServerChannel>, reject: RejectConnection, info: SocketRequestInfo) => {
    if (!ctx.admit()) return reject();
    if (!allowed) return refuse(`direct-streamlocal to ${info.socketPath}`, reject);
    void registered().then((ok) => {
      if (!ok) return reject();
      upstream.openssh_forwardOutStreamLocal(info.socketPath, (err, remote) => {
        if (err) return reject();
        if (forwards.ended) {
          remote.destroy();
          return reject();
        }
        forwards.carry('direct-streamlocal', info.socketPath, undefined, accept() as unknown as Duplex, remote);
      });
    });
  });

  connection.on('request', (accept: ((port?: number) => void) | undefined, reject: (() => void) | undefined, name: string, info: TcpipBindInfo) => {
    if (!ctx.admit()) return reject?.();
    if (name !== 'tcpip-forward' && name !== 'cancel-tcpip-forward') {
      // streamlocal-forward needs server-initiated streamlocal channels ssh2 cannot relay here.
      return allowed ? reject?.() : refuse(name, reject);
    }
    if (!allowed) return refuse(`${name} ${info.bindAddr}:${info.bindPort}`, reject);
    if (name === 'cancel-tcpip-forward') {
      upstream.unforwardIn(info.bindAddr, info.bindPort, (err) => {
        if (err) return reject?.();
        forwards.stoppedListening(`${info.bindAddr}:${info.bindPort}`);
        accept?.();
      });
      return;
    }
    void registered().then((ok) => {
      if (!ok) return reject?.();
      upstream.forwardIn(info.bindAddr, info.bindPort, (err, port) => {
        if (err) return reject?.();
        // With bindPort 0 the target picked the port: that is the one cancel will name.
        forwards.listening(`${info.bindAddr}:${info.bindPort === 0 ? port : info.bindPort}`);
        accept?.(port);
      });
    });
  });

  // Connections arriving at a -R listener on the target travel back to the user, inside the
  // forwarding session that asked for the listener.
  upstream.on('tcp connection', (info, acceptRemote, rejectRemote) => {
    if (!forwards.registered || forwards.ended) return rejectRemote();
    connection.forwardOut(info.destIP, info.destPort, info.srcIP, info.srcPort, (err, local) => {
      if (err) return rejectRemote();
      forwards.carry('forwarded-tcpip', `${info.destIP}:${info.destPort}`, `${info.srcIP}:${info.srcPort}`, local as unknown as Duplex, acceptRemote());
    });
  });

  // X11 is only requested upstream when the policy allowed it on a session (see SessionRelay),
  // so its channels belong to that registered session.
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
