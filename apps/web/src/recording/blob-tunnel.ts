import Guacamole from 'guacamole-common-js';

/** Slices read at a time: a recording of hundreds of MB is never one string in memory. */
const SLICE_BYTES = 256 * 1024;

type SettableTunnel = Guacamole.Tunnel & { setState(state: Guacamole.Tunnel.State): void };

/**
 * A recording already fetched, replayed as a tunnel that closes at its end: what
 * Guacamole.SessionRecording reads. Its Blob source is broken in guacamole-common-js 1.5.0 (it never
 * assigns the Blob it parses: "Cannot read properties of undefined (reading 'size')"); from a
 * tunnel it indexes the same frames and keeps its own Blob for seeking. The bytes are decoded as a
 * UTF-8 stream (a slice may end inside a character) and fed to Guacamole's streaming parser, which
 * keeps a cut last instruction (a live recording's tail) unparsed instead of failing.
 */
export function blobTunnel(blob: Blob): Guacamole.Tunnel {
  const tunnel = new (Guacamole.Tunnel as unknown as new () => SettableTunnel)();
  let stopped = false;
  tunnel.sendMessage = () => undefined;
  tunnel.disconnect = () => {
    stopped = true;
  };
  tunnel.connect = () => {
    tunnel.setState(Guacamole.Tunnel.State.OPEN);
    void feed();
  };
  const feed = async () => {
    const parser = new Guacamole.Parser();
    parser.oninstruction = (opcode, args) => tunnel.oninstruction?.(opcode, args);
    const decoder = new TextDecoder('utf-8');
    try {
      for (let offset = 0; offset < blob.size && !stopped; offset += SLICE_BYTES) {
        const bytes = await blob.slice(offset, offset + SLICE_BYTES).arrayBuffer();
        if (!stopped) parser.receive(decoder.decode(bytes, { stream: true }));
      }
    } catch (error) {
      tunnel.onerror?.(new Guacamole.Status(Guacamole.Status.Code.SERVER_ERROR, `not a Guacamole recording: ${(error as Error).message}`));
    }
    if (!stopped) tunnel.setState(Guacamole.Tunnel.State.CLOSED);
  };
  return tunnel;
}
