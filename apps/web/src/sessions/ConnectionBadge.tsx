import type { LinkState } from './use-live-sessions';

const LABELS: Record<LinkState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Live updates unavailable',
};

export function ConnectionBadge({ state }: { state: LinkState }) {
  return (
    <span className={`badge link-${state}`} data-link-state={state} title="Live updates from the server">
      <span className="dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
