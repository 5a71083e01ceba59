import { useId, useState, type FormEvent } from 'react';
import { SESSION_TYPES } from '../api/types';
import { EMPTY_FILTERS, MATCH_MODES, type AccessLogFilters } from './filters';
import { FilterButtons, RangeError } from '../common/FilterFormParts';

interface Props {
  initial: AccessLogFilters;
  onSearch: (filters: AccessLogFilters) => void;
}

/** A text field with how it matches (is / starts with / contains) beside it. */
function MatchField({
  name,
  label,
  placeholder,
  value,
  mode,
  onValue,
  onMode,
}: {
  name: 'user' | 'target';
  label: string;
  placeholder: string;
  value: string;
  mode: string;
  onValue: (v: string) => void;
  onMode: (v: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={`${id}-text`}>{label}</label>
      <div className="match-field">
        <select name={`${name}Match`} aria-label={`How ${label} matches`} value={mode || 'exact'} onChange={(e) => onMode(e.target.value)}>
          {MATCH_MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
        <input id={`${id}-text`} name={name} type="text" placeholder={placeholder} value={value} onChange={(e) => onValue(e.target.value)} />
      </div>
    </div>
  );
}

/** The access-log search form: free text, user, owner, type, target, a date range and "with recording only". */
export function AccessLogFilterForm({ initial, onSearch }: Props) {
  const [values, setValues] = useState(initial);
  const set = (key: keyof AccessLogFilters, value: string) => setValues((v) => ({ ...v, [key]: value }));
  const rangeInvalid = values.from !== '' && values.to !== '' && values.from > values.to;
  const rangeDescription = rangeInvalid ? 'range-hint range-error' : 'range-hint';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!rangeInvalid) onSearch(values);
  };

  return (
    <form className="card filter-form" role="search" aria-label="Search access logs" onSubmit={submit}>
      <label className="field span-2">
        <span>Search</span>
        <input name="q" type="search" placeholder="Any attribute, end reason or message…" value={values.q} onChange={(e) => set('q', e.target.value)} />
      </label>
      <MatchField
        name="user"
        label="User"
        placeholder="e.g. jdoe"
        value={values.user}
        mode={values.userMatch}
        onValue={(v) => set('user', v)}
        onMode={(v) => set('userMatch', v)}
      />
      <label className="field">
        <span>Owner</span>
        <input name="owner" type="text" placeholder="e.g. alice" value={values.owner} onChange={(e) => set('owner', e.target.value)} />
      </label>
      <MatchField
        name="target"
        label="Target"
        placeholder="e.g. srv-db-01"
        value={values.target}
        mode={values.targetMatch}
        onValue={(v) => set('target', v)}
        onMode={(v) => set('targetMatch', v)}
      />
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
        <input name="from" type="datetime-local" value={values.from} aria-describedby={rangeDescription} onChange={(e) => set('from', e.target.value)} />
      </label>
      <label className="field">
        <span>To</span>
        <input
          name="to"
          type="datetime-local"
          value={values.to}
          aria-invalid={rangeInvalid}
          aria-describedby={rangeDescription}
          onChange={(e) => set('to', e.target.value)}
        />
      </label>
      <p id="range-hint" className="muted small range-hint span-2">
        From and To find sessions <strong>active during</strong> the range: one that started before From and ended after it is
        included, and so is one that started before To and ended after it.
      </p>
      <label className="check-field">
        <input
          name="hasRecording"
          type="checkbox"
          checked={values.hasRecording === 'true'}
          onChange={(e) => set('hasRecording', e.target.checked ? 'true' : '')}
        />
        With recording only
      </label>
      <FilterButtons
        disabled={rangeInvalid}
        onClear={() => {
          setValues(EMPTY_FILTERS);
          onSearch(EMPTY_FILTERS);
        }}
      />
      <RangeError id="range-error" shown={rangeInvalid} />
    </form>
  );
}
