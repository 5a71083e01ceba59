import type { SessionView } from '../api/types';

export type LiveAction =
  | { type: 'snapshot'; items: SessionView[] }
  | { type: 'upsert'; session: SessionView }
  | { type: 'remove'; id: string }
  /** several changes at once (a burst of live events): one copy of the map for all of them */
  | { type: 'batch'; actions: LiveAction[] };

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
    case 'batch': {
      let next: Map<string, SessionView> | null = null;
      let current = state;
      for (const inner of action.actions) {
        if (inner.type === 'upsert' || (inner.type === 'remove' && current.has(inner.id))) {
          next ??= new Map(current);
          if (inner.type === 'upsert') next.set(inner.session.id, inner.session);
          else next.delete(inner.id);
          current = next;
        } else if (inner.type !== 'remove') {
          // a snapshot or a nested batch starts from its own result
          next = null;
          current = liveSessionsReducer(current, inner);
        }
      }
      return current;
    }
  }
}
