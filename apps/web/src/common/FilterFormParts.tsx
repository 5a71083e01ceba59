/** The parts every filter form of the console shares, so they read and behave the same. */

/** Search, and Clear (which also searches with the empty filters, as a user expects). */
export function FilterButtons({ disabled, onClear, submitLabel = 'Search' }: { disabled: boolean; onClear?: () => void; submitLabel?: string }) {
  return (
    <div className="form-buttons">
      <button type="submit" className="button primary" disabled={disabled}>
        {submitLabel}
      </button>
      {onClear && (
        <button type="button" className="button ghost" onClick={onClear}>
          Clear
        </button>
      )}
    </div>
  );
}

/** Shown, and announced, while a From/To pair is the wrong way round; `id` is what the fields' aria-describedby names. */
export function RangeError({ id, shown }: { id: string; shown: boolean }) {
  if (!shown) return null;
  return (
    <p id={id} className="field-error span-all" role="alert">
      “From” must not be after “To”.
    </p>
  );
}
