import type { UserPrincipal } from '@vigil/auth';
import type { ViewerInfo } from '../live-events';

/** What a viewer starts from, per protocol; the attach ack carries it (after `ok: true`). */
export type StreamStart =
  /** the terminal as it is now; `output` events received before the ack come after it */
  | { kind: 'ssh'; cols: number; rows: number; screen: string }
  /** a single-use Guacamole tunnel token joining the user's guacd connection (read-only for `view`) */
  | { kind: 'rdp'; tunnel: string; token: string };

/**
 * How a live session's pictures reach its viewers: the protocol-specific half of a LiveSession.
 * The core (viewers, modes, control lock, audit, terminate) never looks inside.
 */
export interface LiveStream {
  readonly kind: StreamStart['kind'];
  /**
   * Adds a viewer. The cut is made synchronously, before this returns: whatever the stream sends
   * after it (to the session's room, which the caller joins in the same tick) reaches the viewer
   * live; the promise gives what came before. `principal` is who the viewer is (for a protocol
   * whose stream checks rights again, e.g. at the Guacamole upgrade).
   */
  attach(viewer: ViewerInfo, principal: UserPrincipal): Promise<StreamStart>;
  detach(viewerId: string): void;
  /** called every few hundred ms: viewers that fell behind may need a fresh start */
  poll(): void;
  close(): void;
}
