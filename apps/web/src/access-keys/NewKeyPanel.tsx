import type { CreatedAccessKey } from '../api/types';
import { CopyButton } from './CopyButton';

const select = (event: { currentTarget: HTMLInputElement }) => event.currentTarget.select();

/** The new key's id and secret, shown this once; inside the page's dialog. */
export function NewKeyPanel({ created, onDone }: { created: CreatedAccessKey; onDone: () => void }) {
  return (
    <div className="dialog-form new-key">
      <p className="banner warn">
        <strong>Copy the secret access key now: it won’t be shown again.</strong> Vigil keeps it encrypted and never displays it
        after you close this dialog. If you lose it, delete the key and create another.
      </p>
      <label className="field">
        <span>Access key ID</span>
        <input className="mono" readOnly value={created.accessKeyId} onFocus={select} />
      </label>
      <CopyButton text={created.accessKeyId} label="Copy access key ID" />
      <label className="field">
        <span>Secret access key</span>
        <input className="mono" readOnly value={created.secretAccessKey} onFocus={select} />
      </label>
      <CopyButton text={created.secretAccessKey} label="Copy secret access key" />
      <div className="dialog-buttons">
        <button type="button" className="button primary" onClick={onDone}>
          Done, I have copied it
        </button>
      </div>
    </div>
  );
}
