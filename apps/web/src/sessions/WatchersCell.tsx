/**
 * Who is watching this session. Placeholder until live shadowing reports viewers: the /live
 * namespace's `viewers` event will feed `viewers` here.
 */
export function WatchersCell({ viewers = [] }: { viewers?: string[] }) {
  return (
    <td className="watchers" data-slot="watchers">
      {viewers.length === 0 ? (
        <span className="muted" aria-label="Nobody is watching">
          —
        </span>
      ) : (
        <span title={viewers.join(', ')}>👁 {viewers.length}</span>
      )}
    </td>
  );
}
