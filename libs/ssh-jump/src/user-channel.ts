import type { Duplex, Writable } from 'node:stream';

/**
 * The user's side of a relayed session, as LiveSshSession uses it: what the user types (readable),
 * what the target prints (writable, with backpressure), stderr, and the exit status. An ssh2
 * ServerChannel is one (the jump); the browser terminal's socket adapter is another
 * (libs/web-terminal), so both downstreams share one relay, recording and shadowing path.
 */
export interface UserChannel extends Duplex {
  readonly stderr: Writable;
  exit(code: number): void;
  exit(signal: string, coreDumped: boolean, errorMessage: string): void;
}
