import type { Watcher } from './use-live-sessions';

const MAX_NAMES = 3;

/** Who is watching this session, live from `session.viewers`: names (and modes in the tooltip). */
export function WatchersCell({ viewers = [] }: { viewers?: Watcher[] }) {
  if (viewers.length === 0) {
    return (
      <td className="watchers" data-slot="watchers" data-watchers="">
        <span className="muted" aria-label="Nobody is watching">
          —
        </span>
      </td>
    );
  }
  const names = [...new Set(viewers.map((v) => v.username))];
  const detail = viewers.map((v) => `${v.username} (${v.via === 'wall' ? 'view, wall thumbnail' : v.mode})`).join(', ');
  const shown = names.slice(0, MAX_NAMES).join(', ') + (names.length > MAX_NAMES ? ` +${names.length - MAX_NAMES}` : '');
  return (
    <td className="watchers" data-slot="watchers" data-watchers={names.join(',')}>
      <span className="watching" title={`Watching: ${detail}`} aria-label={`Watched by ${detail}`}>
        <span aria-hidden="true">👁 {shown}</span>
      </span>
    </td>
  );
}
