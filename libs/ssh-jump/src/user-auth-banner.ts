import type { Connection } from 'ssh2';
import { sanitizeTerminalText } from './terminal-text';

/**
 * Sends SSH_MSG_USERAUTH_BANNER mid-authentication. OpenSSH prints banners on stderr, which is
 * the only place a refusal reason (bad login name, unknown target, lockout, changed host key)
 * can reach the user: SSH_MSG_DISCONNECT from ssh2 carries no text and "Permission denied"
 * says nothing. ssh2 only sends its static `banner` option once, so we build the packet with
 * its (stable since 1.0) internal packet writer. If those internals ever move, we degrade to a
 * plain refusal rather than failing the connection.
 */

const USERAUTH_BANNER = 53;

interface PacketWriter {
  allocStart: number;
  alloc(size: number): Buffer;
  finalize(packet: Buffer): Buffer;
}

interface ProtocolInternals {
  _packetRW?: { write?: PacketWriter };
  _kexinit?: unknown;
  _queue?: Buffer[];
  _cipher?: { encrypt(packet: Buffer): void };
}

export function sendUserAuthBanner(connection: Connection, text: string): boolean {
  const proto = (connection as unknown as { _protocol?: ProtocolInternals })._protocol;
  const writer = proto?._packetRW?.write;
  if (!proto || !writer || !proto._cipher) return false;
  // Clients print banners as they are; the text may name what the user typed (a target name).
  const message = `${sanitizeTerminalText(text).replace(/\n+$/, '').replace(/\n/g, '\r\n')}\r\n`;
  const length = Buffer.byteLength(message);
  let p = writer.allocStart;
  const packet = writer.alloc(1 + 4 + length + 4);
  packet[p] = USERAUTH_BANNER;
  packet.writeUInt32BE(length, ++p);
  packet.write(message, (p += 4), length, 'utf8');
  packet.writeUInt32BE(0, p + length); // empty language tag
  const finalized = writer.finalize(packet);
  // Mirrors ssh2's sendPacket: during a key re-exchange packets must be queued, not encrypted.
  if (proto._kexinit !== undefined) {
    (proto._queue ??= []).push(finalized);
  } else {
    proto._cipher.encrypt(finalized);
  }
  return true;
}
