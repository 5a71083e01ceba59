import { useLayoutEffect, useRef, useState } from 'react';
import type { ColumnInfo } from '../api/types';
import { addColumn, moveColumn, removeColumn } from './column-order';
import { DEFAULT_COLUMN_IDS } from './session-columns';

interface Props {
  id: string;
  shown: string[];
  available: ColumnInfo[];
  saving: boolean;
  onChange: (columns: string[]) => void;
  /** what "Reset to default" restores (the sessions page's defaults unless given) */
  defaults?: string[];
}

/**
 * Shown columns in order (move left/right, remove) and the hidden ones (add). Saved per user.
 * After an edit the focus stays in the editor, on the control that follows the column (a removed
 * column's Add button, an added column's Remove button, a moved column's arrow), never on the page.
 */
export function ColumnEditor({ id, shown, available, saving, onChange, defaults = DEFAULT_COLUMN_IDS }: Props) {
  const header = (columnId: string) => available.find((c) => c.id === columnId)?.header ?? columnId;
  const hidden = available.filter((c) => !shown.includes(c.id));
  const root = useRef<HTMLElement>(null);
  const [focusNext, setFocusNext] = useState<string[] | null>(null);
  const edit = (next: string[], focusKeys: string[]) => {
    setFocusNext(focusKeys);
    onChange(next);
  };

  useLayoutEffect(() => {
    if (!focusNext || !root.current) return;
    const target = focusNext
      .map((key) => root.current!.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]:not(:disabled)`))
      .find((el) => el !== null);
    (target ?? root.current).focus();
    setFocusNext(null);
  }, [focusNext, shown]);

  return (
    <section id={id} ref={root} tabIndex={-1} className="card column-editor" aria-labelledby={`${id}-title`}>
      <div className="column-editor-head">
        <h2 id={`${id}-title`}>Columns</h2>
        <span className="muted small" role="status">
          {saving ? 'Saving…' : 'Saved to your profile'}
        </span>
      </div>
      <h3>Shown, in order</h3>
      <ol className="column-list" aria-label="Shown columns">
        {shown.map((columnId, index) => (
          <li key={columnId} data-column-id={columnId}>
            <span className="column-name">{header(columnId)}</span>
            <span className="column-buttons">
              <button
                type="button"
                className="button icon"
                aria-label={`Move ${header(columnId)} left`}
                title="Move left"
                disabled={index === 0}
                data-focus-key={`left:${columnId}`}
                onClick={() => edit(moveColumn(shown, columnId, -1), [`left:${columnId}`, `right:${columnId}`])}
              >
                ←
              </button>
              <button
                type="button"
                className="button icon"
                aria-label={`Move ${header(columnId)} right`}
                title="Move right"
                disabled={index === shown.length - 1}
                data-focus-key={`right:${columnId}`}
                onClick={() => edit(moveColumn(shown, columnId, 1), [`right:${columnId}`, `left:${columnId}`])}
              >
                →
              </button>
              <button
                type="button"
                className="button icon"
                aria-label={`Remove ${header(columnId)}`}
                title="Remove"
                disabled={shown.length === 1}
                data-focus-key={`remove:${columnId}`}
                onClick={() => edit(removeColumn(shown, columnId), [`add:${columnId}`])}
              >
                ✕
              </button>
            </span>
          </li>
        ))}
      </ol>
      <h3>Hidden</h3>
      {hidden.length === 0 ? (
        <p className="muted small">Every column is shown.</p>
      ) : (
        <ul className="column-chips" aria-label="Hidden columns">
          {hidden.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="button small"
                aria-label={`Add ${c.header}`}
                data-focus-key={`add:${c.id}`}
                onClick={() => edit(addColumn(shown, c.id), [`remove:${c.id}`])}
              >
                + {c.header}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="button ghost small"
        data-focus-key="reset"
        onClick={() => edit(defaults.filter((c) => available.some((a) => a.id === c)), ['reset'])}
      >
        Reset to default
      </button>
    </section>
  );
}
