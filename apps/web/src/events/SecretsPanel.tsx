import { CopyButton } from '../access-keys/CopyButton';
import type { EventRule } from '../api/event-rules';

const select = (event: { currentTarget: HTMLInputElement }) => event.currentTarget.select();

/** A new rule's webhook signing secrets, shown this once; inside the page's dialog. */
export function SecretsPanel({ rule, onDone }: { rule: EventRule; onDone: () => void }) {
  const secrets = Object.entries(rule.secrets ?? {});
  return (
    <div className="dialog-form new-key">
      <p className="banner warn">
        <strong>Copy the signing secret now: it won’t be shown again.</strong> Receivers check <code>X-Vigil-Signature</code> (HMAC-SHA256
        over the timestamp and the body) with it. Lost it? Rotate the target’s secret.
      </p>
      {secrets.map(([targetId, secret], i) => {
        const target = rule.targets.find((t) => t.id === targetId);
        const label = `Signing secret${secrets.length > 1 ? ` ${i + 1}` : ''}`;
        return (
          <div key={targetId} className="stack secret-block">
            <label className="field">
              <span>
                {label}
                {target?.url ? ` (${target.url})` : ''}
              </span>
              <input className="mono" readOnly value={secret} onFocus={select} data-target-id={targetId} />
            </label>
            <CopyButton text={secret} label={`Copy ${label.toLowerCase()}`} />
          </div>
        );
      })}
      <div className="dialog-buttons">
        <button type="button" className="button primary" onClick={onDone}>
          Done, I have copied it
        </button>
      </div>
    </div>
  );
}
