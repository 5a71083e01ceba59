import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import { eventRulesApi, type EventRule } from '../api/event-rules';
import { ErrorBanner } from '../common/ErrorBanner';
import { PatternTester } from './PatternTester';
import { MAX_TARGETS, emptyRule, emptyTarget, toNewRule, type DraftError, type RuleDraft } from './rule-form';
import { TargetEditor } from './TargetEditor';

const ERROR_ID = 'new-rule-error';

/** Creating a rule: name, EventBridge pattern (tested against a real event), 1-5 targets. */
export function NewRuleForm({ token, onCreated }: { token: string; onCreated: (rule: EventRule) => void }) {
  const [draft, setDraft] = useState<RuleDraft>(emptyRule);
  const [fieldError, setFieldError] = useState<DraftError | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const invalid = (field: string) => (fieldError?.field === field ? { 'aria-invalid': true, 'aria-describedby': ERROR_ID } : {});
  const targetField = (i: number) => {
    const prefix = `targets[${i}].`;
    return fieldError?.field.startsWith(prefix) ? fieldError.field.slice(prefix.length) : undefined;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setServerError(null);
    const parsed = toNewRule(draft);
    if (!parsed.ok) {
      setFieldError(parsed.error);
      return;
    }
    setFieldError(null);
    setSaving(true);
    try {
      const created = await eventRulesApi.create(token, parsed.value);
      setDraft(emptyRule());
      onCreated(created);
    } catch (e) {
      // the server names the field: `targets[0].url: must be http(s)`
      setServerError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card stack new-rule" aria-labelledby="new-rule-title" onSubmit={(e) => void submit(e)} noValidate>
      <h2 id="new-rule-title">New rule</h2>
      <div className="target-grid">
        <label className="field">
          <span>Name</span>
          <input name="name" maxLength={64} placeholder="session-alerts" value={draft.name} onChange={(e) => set({ name: e.target.value })} {...invalid('name')} />
        </label>
        <label className="field span-2">
          <span>Description (optional)</span>
          <input name="description" maxLength={512} value={draft.description} onChange={(e) => set({ description: e.target.value })} />
        </label>
        <label className="checkbox-field">
          <input type="checkbox" name="enabled" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
          <span>Enabled</span>
        </label>
      </div>
      <label className="field">
        <span>Event pattern (EventBridge syntax, JSON)</span>
        <textarea name="eventPattern" className="mono pattern-input" rows={8} spellCheck={false} value={draft.pattern} onChange={(e) => set({ pattern: e.target.value })} {...invalid('eventPattern')} />
      </label>
      <PatternTester token={token} pattern={draft.pattern} />
      {draft.targets.map((target, i) => (
        <TargetEditor
          key={i}
          index={i}
          target={target}
          invalidField={targetField(i)}
          errorId={ERROR_ID}
          onChange={(t) => set({ targets: draft.targets.map((old, j) => (j === i ? t : old)) })}
          onRemove={draft.targets.length > 1 ? () => set({ targets: draft.targets.filter((_, j) => j !== i) }) : undefined}
        />
      ))}
      {fieldError && (
        <p id={ERROR_ID} className="field-error" role="alert">
          <code>{fieldError.field}</code>: {fieldError.message}
        </p>
      )}
      <ErrorBanner message={serverError} />
      <div className="form-buttons">
        <button type="button" className="button" disabled={draft.targets.length >= MAX_TARGETS} onClick={() => set({ targets: [...draft.targets, emptyTarget()] })}>
          Add target
        </button>
        <span className="grow" />
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Creating…' : 'Create rule'}
        </button>
      </div>
    </form>
  );
}
