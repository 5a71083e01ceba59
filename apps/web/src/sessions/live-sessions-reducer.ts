import type { SessionView } from '../api/types';

export type LiveAction =
  | { type: 'snapshot'; items: SessionView[] }
  | { type: 'upsert'; session: SessionView }
  | { type: 'remove'; id: string };

/** Open sessions by id, in arrival order. Pure, so replaying queued events is trivial. */
export function liveSessionsReducer(state: Map<string, SessionView>, action: LiveAction): Map<string, SessionView> {
  switch (action.type) {
    case 'snapshot':
      return new Map(action.items.map((s) => [s.id, s]));
    case 'upsert': {
      const next = new Map(state);
      next.set(action.session.id, action.session);
      return next;
    }
    case 'remove': {
      if (!state.has(action.id)) return state;
      const next = new Map(state);
      next.delete(action.id);
      return next;
    }
  }
}
