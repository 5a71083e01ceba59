import type { ColumnInfo } from '../api/types';
import { addColumn, moveColumn, removeColumn } from './column-order';
import { DEFAULT_COLUMN_IDS } from './session-columns';

interface Props {
  id: string;
  shown: string[];
  available: ColumnInfo[];
  saving: boolean;
  onChange: (columns: string[]) => void;
}

/** Shown columns in order (move left/right, remove) and the hidden ones (add). Saved per user. */
export function ColumnEditor({ id, shown, available, saving, onChange }: Props) {
  const header = (columnId: string) => available.find((c) => c.id === columnId)?.header ?? columnId;
  const hidden = available.filter((c) => !shown.includes(c.id));

  return (
    <section id={id} className="card column-editor" aria-labelledby={`${id}-title`}>
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
                onClick={() => onChange(moveColumn(shown, columnId, -1))}
              >
                ←
              </button>
              <button
                type="button"
                className="button icon"
                aria-label={`Move ${header(columnId)} right`}
                title="Move right"
                disabled={index === shown.length - 1}
                onClick={() => onChange(moveColumn(shown, columnId, 1))}
              >
                →
              </button>
              <button
                type="button"
                className="button icon"
                aria-label={`Remove ${header(columnId)}`}
                title="Remove"
                disabled={shown.length === 1}
                onClick={() => onChange(removeColumn(shown, columnId))}
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
              <button type="button" className="button small" aria-label={`Add ${c.header}`} onClick={() => onChange(addColumn(shown, c.id))}>
                + {c.header}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="button ghost small"
        onClick={() => onChange(DEFAULT_COLUMN_IDS.filter((c) => available.some((a) => a.id === c)))}
      >
        Reset to default
      </button>
    </section>
  );
}
