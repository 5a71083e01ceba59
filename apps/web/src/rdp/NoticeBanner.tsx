import type { VigilNotice } from './vigil-notice';

const ICON: Record<VigilNotice['kind'], string> = { watching: '👁', left: '👋', control: '⌨', paused: '⏸', resumed: '▶', ended: '■', message: '✉' };

/**
 * What Vigil told the user in-band ("admin is watching", "ivan took control"): always in the DOM
 * so screen readers announce each change (a region added with its text is often not read).
 */
export function NoticeBanner({ notice }: { notice: VigilNotice | null }) {
  return (
    <div className="rdp-notice" role="status" aria-live="polite" aria-atomic="true" data-testid="rdp-notice" data-kind={notice?.kind ?? ''}>
      {notice && (
        <p className="banner info">
          <span aria-hidden="true">{ICON[notice.kind]} </span>
          {notice.text}
        </p>
      )}
    </div>
  );
}
