import { useState } from 'react';
import { CHIP_FIELDS, CHIP_LABELS, type Chip, type ChipField } from './filter-chips';

interface Props {
  chips: Chip[];
  /** the values each field takes among the open sessions */
  choices: (field: ChipField) => string[];
  onAdd: (chip: Chip) => void;
  onRemove: (chip: Chip) => void;
  onClear: () => void;
}

/** Exact-value filters (type, status, user, owner, target) as removable chips, and a picker to add one. */
export function FilterChips({ chips, choices, onAdd, onRemove, onClear }: Props) {
  const [field, setField] = useState<ChipField>('type');
  const [value, setValue] = useState('');
  const values = choices(field);
  const picked = values.includes(value) ? value : (values[0] ?? '');
  return (
    <div className="filter-chips">
      <div className="chip-picker" role="group" aria-label="Add a filter">
        <select aria-label="Filter on" value={field} onChange={(e) => setField(e.target.value as ChipField)}>
          {CHIP_FIELDS.map((f) => (
            <option key={f} value={f}>
              {CHIP_LABELS[f]}
            </option>
          ))}
        </select>
        <select aria-label={`${CHIP_LABELS[field]} to show`} value={picked} onChange={(e) => setValue(e.target.value)} disabled={values.length === 0}>
          {values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        <button type="button" className="button small" disabled={!picked} onClick={() => onAdd({ field, value: picked })}>
          Add filter
        </button>
      </div>
      {chips.length > 0 && (
        <ul className="chips" aria-label="Filters in use">
          {chips.map((c) => (
            <li key={`${c.field}\u0000${c.value}`} className="chip" data-chip={`${c.field}=${c.value}`}>
              <span>
                {CHIP_LABELS[c.field]}: {c.value}
              </span>
              <button type="button" className="chip-remove" aria-label={`Remove filter ${CHIP_LABELS[c.field]}: ${c.value}`} onClick={() => onRemove(c)}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
          {chips.length > 1 && (
            <li>
              <button type="button" className="button small ghost" onClick={onClear}>
                Clear filters
              </button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
