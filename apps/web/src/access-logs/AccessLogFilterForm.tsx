import { useState, type FormEvent } from 'react';
import { SESSION_TYPES } from '../api/types';
import { EMPTY_FILTERS, type AccessLogFilters } from './filters';

interface Props {
  initial: AccessLogFilters;
  onSearch: (filters: AccessLogFilters) => void;
}

const TEXT_FIELDS: { key: 'q' | 'user' | 'owner' | 'target'; label: string; placeholder: string }[] = [
  { key: 'q', label: 'Search', placeholder: 'Any attribute…' },
  { key: 'user', label: 'User', placeholder: 'e.g. jdoe' },
  { key: 'owner', label: 'Owner', placeholder: 'e.g. alice' },
  { key: 'target', label: 'Target (client)', placeholder: 'e.g. srv-db-01' },
];

/** The access-log search form: free text, user, owner, type, target and a date range. */
export function AccessLogFilterForm({ initial, onSearch }: Props) {
  const [values, setValues] = useState(initial);
  const set = (key: keyof AccessLogFilters, value: string) => setValues((v) => ({ ...v, [key]: value }));
  const rangeInvalid = values.from !== '' && values.to !== '' && values.from > values.to;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!rangeInvalid) onSearch(values);
  };

  return (
    <form className="card filter-form" role="search" aria-label="Search access logs" onSubmit={submit}>
      {TEXT_FIELDS.map((field) => (
        <label key={field.key} className={field.key === 'q' ? 'field span-2' : 'field'}>
          <span>{field.label}</span>
          <input
            name={field.key}
            type={field.key === 'q' ? 'search' : 'text'}
            placeholder={field.placeholder}
            value={values[field.key]}
            onChange={(e) => set(field.key, e.target.value)}
          />
        </label>
      ))}
      <label className="field">
        <span>Type</span>
        <select name="type" value={values.type} onChange={(e) => set('type', e.target.value)}>
          <option value="">Any type</option>
          {SESSION_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>From</span>
        <input name="from" type="datetime-local" value={values.from} onChange={(e) => set('from', e.target.value)} />
      </label>
      <label className="field">
        <span>To</span>
        <input
          name="to"
          type="datetime-local"
          value={values.to}
          aria-invalid={rangeInvalid}
          aria-describedby={rangeInvalid ? 'range-error' : undefined}
          onChange={(e) => set('to', e.target.value)}
        />
      </label>
      <div className="form-buttons">
        <button type="submit" className="button primary" disabled={rangeInvalid}>
          Search
        </button>
        <button
          type="button"
          className="button ghost"
          onClick={() => {
            setValues(EMPTY_FILTERS);
            onSearch(EMPTY_FILTERS);
          }}
        >
          Clear
        </button>
      </div>
      {rangeInvalid && (
        <p id="range-error" className="field-error span-all" role="alert">
          “From” must not be after “To”.
        </p>
      )}
    </form>
  );
}
