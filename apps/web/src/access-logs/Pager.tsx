interface Props {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  busy: boolean;
  onPrevious: () => void;
  onNext: () => void;
  /** the navigation landmark's name (several lists use this pager) */
  label?: string;
}

export function Pager({ page, hasPrevious, hasNext, busy, onPrevious, onNext, label = 'Access log pages' }: Props) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button" onClick={onPrevious} disabled={!hasPrevious || busy}>
        ← Previous
      </button>
      <span aria-live="polite" data-testid="page-number">
        Page {page}
      </span>
      <button type="button" className="button" onClick={onNext} disabled={!hasNext || busy}>
        Next →
      </button>
    </nav>
  );
}
