import type { TargetType } from '../api/event-rules';
import type { TargetDraft } from './rule-form';

interface Props {
  index: number;
  target: TargetDraft;
  /** the field (`url`, `to`, ...) the last check found wrong, for aria-invalid */
  invalidField?: string;
  errorId?: string;
  onChange: (target: TargetDraft) => void;
  onRemove?: () => void;
}

const TYPES: { value: TargetType; label: string }[] = [
  { value: 'webhook', label: 'Webhook (signed JSON)' },
  { value: 'slack', label: 'Slack-compatible incoming webhook' },
  { value: 'email', label: 'Email (SMTP)' },
];

/** One target of a rule: where it goes and, optionally, how the event is rewritten for it. */
export function TargetEditor({ index, target, invalidField, errorId, onChange, onRemove }: Props) {
  const set = (patch: Partial<TargetDraft>) => onChange({ ...target, ...patch });
  const id = (field: string) => `target-${index}-${field}`;
  const invalid = (field: string) => (invalidField === field ? { 'aria-invalid': true, 'aria-describedby': errorId } : {});
  return (
    <fieldset className="target-editor" data-target-index={index}>
      <legend>Target {index + 1}</legend>
      <div className="target-grid">
        <label className="field" htmlFor={id('type')}>
          <span>Type</span>
          <select id={id('type')} value={target.type} onChange={(e) => set({ type: e.target.value as TargetType })}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {target.type !== 'email' ? (
          <label className="field span-2" htmlFor={id('url')}>
            <span>{target.type === 'slack' ? 'Incoming webhook URL' : 'Webhook URL'}</span>
            <input id={id('url')} type="url" inputMode="url" placeholder="https://hooks.example.com/vigil" value={target.url} onChange={(e) => set({ url: e.target.value })} {...invalid('url')} />
          </label>
        ) : (
          <>
            <label className="field" htmlFor={id('to')}>
              <span>To (comma-separated)</span>
              <input id={id('to')} type="text" placeholder="soc@example.com" value={target.to} onChange={(e) => set({ to: e.target.value })} {...invalid('to')} />
            </label>
            <label className="field" htmlFor={id('subject')}>
              <span>Subject (optional)</span>
              <input id={id('subject')} type="text" maxLength={200} value={target.subject} onChange={(e) => set({ subject: e.target.value })} />
            </label>
          </>
        )}
        {target.type === 'webhook' && (
          <label className="field span-all" htmlFor={id('secret')}>
            <span>Signing secret (optional: leave empty and Vigil generates one, shown once)</span>
            <input id={id('secret')} type="password" autoComplete="new-password" value={target.secret} onChange={(e) => set({ secret: e.target.value })} />
          </label>
        )}
      </div>
      <details className="transformer" open={target.inputTemplate !== '' || target.inputPaths !== ''}>
        <summary>Input transformer (optional)</summary>
        <div className="target-grid">
          <label className="field span-all" htmlFor={id('paths')}>
            <span>Input paths (JSON object, e.g. {'{"user": "$.detail.userIdentity.userName"}'})</span>
            <textarea id={id('paths')} className="mono" rows={2} value={target.inputPaths} onChange={(e) => set({ inputPaths: e.target.value })} {...invalid('inputTransformer.inputPathsMap')} />
          </label>
          <label className="field span-all" htmlFor={id('template')}>
            <span>Input template (up to 8 KiB; {'<name>'} is replaced by the path’s value)</span>
            <textarea id={id('template')} className="mono" rows={3} value={target.inputTemplate} onChange={(e) => set({ inputTemplate: e.target.value })} {...invalid('inputTransformer.inputTemplate')} />
          </label>
        </div>
      </details>
      {onRemove && (
        <button type="button" className="button small danger" onClick={onRemove}>
          Remove target {index + 1}
        </button>
      )}
    </fieldset>
  );
}
