interface Props {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  busy: boolean;
  onPrevious: () => void;
  onNext: () => void;
}

export function Pager({ page, hasPrevious, hasNext, busy, onPrevious, onNext }: Props) {
  return (
    <nav className="pager" aria-label="Access log pages">
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
