import type { Connection } from 'ssh2';
import { sanitizeTerminalText } from './terminal-text';

/**
 * Sends SSH_MSG_DISCONNECT with a description, which OpenSSH prints as
 * "Received disconnect from HOST port N:11: <description>". ssh2's own `end()` sends the message
 * with an empty description, so a user cut off for a reason (terminated, login grace time,
 * request flood) would learn nothing. Built with ssh2's internal packet writer, as the user-auth
 * banner is; if those internals move, this degrades to ssh2's silent disconnect (returns false).
 * It may be sent at any time, even mid key exchange (then unencrypted, as ssh2 does too).
 */

export const DISCONNECT_BY_APPLICATION = 11;

interface PacketWriter {
  allocStartKEX: number;
  alloc(size: number, force?: boolean): Buffer;
  finalize(packet: Buffer, force?: boolean): Buffer;
}

interface ProtocolInternals {
  _packetRW?: { write?: PacketWriter };
  _cipher?: { encrypt(packet: Buffer): void };
}

const MESSAGE_DISCONNECT = 1;
/** Keeps the packet small and the line readable (cut by characters, so UTF-8 stays whole). */
const MAX_DESCRIPTION_CHARS = 500;

export function sendDisconnect(connection: Connection, description: string, reasonCode = DISCONNECT_BY_APPLICATION): boolean {
  const proto = (connection as unknown as { _protocol?: ProtocolInternals })._protocol;
  const writer = proto?._packetRW?.write;
  if (!proto || !writer || !proto._cipher || typeof writer.allocStartKEX !== 'number') return false;
  const clean = [...sanitizeTerminalText(description).replace(/[\n\t]/g, ' ')].slice(0, MAX_DESCRIPTION_CHARS).join('');
  const text = Buffer.from(clean, 'utf8');
  try {
    let p = writer.allocStartKEX;
    const packet = writer.alloc(1 + 4 + 4 + text.length + 4, true);
    packet[p] = MESSAGE_DISCONNECT;
    packet.writeUInt32BE(reasonCode, ++p);
    packet.writeUInt32BE(text.length, (p += 4));
    text.copy(packet, (p += 4));
    packet.writeUInt32BE(0, p + text.length); // empty language tag
    proto._cipher.encrypt(writer.finalize(packet, true));
    return true;
  } catch {
    return false;
  }
}
