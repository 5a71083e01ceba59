import type { AccessLogView, SessionView } from '../api/types';
import { sessionTitle } from './session-title';
import type { LiveEvent } from './use-live-sessions';

const who = (s: SessionView | AccessLogView) => sessionTitle(s);

/** The sentence a screen reader hears for a live change. */
export function describeLiveEvent(event: LiveEvent): string {
  switch (event.kind) {
    case 'opened':
      return `Session opened: ${who(event.session)}.`;
    case 'updated':
      return `Session ${who(event.session)} is now ${event.session.status}.`;
    case 'ended':
      return `Session ended: ${who(event.session)}.`;
  }
}
