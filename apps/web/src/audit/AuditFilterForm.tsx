import { useState, type FormEvent } from 'react';
import { AUDIT_EVENT_NAMES } from '../api/audit';
import { EMPTY_AUDIT_FILTERS, type AuditFilters } from './audit-filters';
import { FilterButtons, RangeError } from '../common/FilterFormParts';

interface Props {
  initial: AuditFilters;
  onSearch: (filters: AuditFilters) => void;
}

const TEXT_FIELDS: { key: 'user' | 'sessionId' | 'sourceIp'; label: string; placeholder: string }[] = [
  { key: 'user', label: 'User', placeholder: 'e.g. alice' },
  { key: 'sessionId', label: 'Session ID', placeholder: 'a session’s UUID' },
  { key: 'sourceIp', label: 'Source IP', placeholder: 'e.g. 10.0.0.12' },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The audit search form: time range, event name, user, session, source address, errors only. */
export function AuditFilterForm({ initial, onSearch }: Props) {
  const [values, setValues] = useState(initial);
  const set = (key: keyof AuditFilters, value: string) => setValues((v) => ({ ...v, [key]: value }));
  const rangeInvalid = values.from !== '' && values.to !== '' && values.from > values.to;
  const sessionInvalid = values.sessionId.trim() !== '' && !UUID.test(values.sessionId.trim());
  const invalid = rangeInvalid || sessionInvalid;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!invalid) onSearch(values);
  };

  return (
    <form className="card filter-form" role="search" aria-label="Search the audit trail" onSubmit={submit}>
      <label className="field">
        <span>From</span>
        <input name="from" type="datetime-local" step={1} value={values.from} onChange={(e) => set('from', e.target.value)} />
      </label>
      <label className="field">
        <span>To</span>
        <input
          name="to"
          type="datetime-local"
          step={1}
          value={values.to}
          aria-invalid={rangeInvalid}
          aria-describedby={rangeInvalid ? 'audit-range-error' : undefined}
          onChange={(e) => set('to', e.target.value)}
        />
      </label>
      <label className="field">
        <span>Event name</span>
        <select name="eventName" value={values.eventName} onChange={(e) => set('eventName', e.target.value)}>
          <option value="">Any event</option>
          {AUDIT_EVENT_NAMES.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {TEXT_FIELDS.map((field) => (
        <label key={field.key} className="field">
          <span>{field.label}</span>
          <input
            name={field.key}
            type="text"
            placeholder={field.placeholder}
            maxLength={field.key === 'sessionId' ? 36 : 256}
            value={values[field.key]}
            aria-invalid={field.key === 'sessionId' ? sessionInvalid : undefined}
            aria-describedby={field.key === 'sessionId' && sessionInvalid ? 'audit-session-error' : undefined}
            onChange={(e) => set(field.key, e.target.value)}
          />
        </label>
      ))}
      <label className="checkbox-field">
        <input type="checkbox" name="errorsOnly" checked={values.errorsOnly === 'true'} onChange={(e) => set('errorsOnly', e.target.checked ? 'true' : '')} />
        <span>Errors and refusals only</span>
      </label>
      <FilterButtons
        disabled={invalid}
        onClear={() => {
          setValues(EMPTY_AUDIT_FILTERS);
          onSearch(EMPTY_AUDIT_FILTERS);
        }}
      />
      <RangeError id="audit-range-error" shown={rangeInvalid} />
      {sessionInvalid && (
        <p id="audit-session-error" className="field-error span-all" role="alert">
          A session ID is a UUID, e.g. 0193a1b2-…
        </p>
      )}
    </form>
  );
}
