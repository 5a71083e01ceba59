import { useEffect, useId, useState } from 'react';

interface Props {
  /** the latest text the remote side copied */
  remote: string;
  disabled: boolean;
  onSend: (text: string) => void;
}

/**
 * The clipboard both ways, without clipboard permissions: what the remote side copies shows up
 * here (select and copy it), and text put here is sent to the remote clipboard (paste it there).
 */
export function ClipboardPanel({ remote, disabled, onSend }: Props) {
  const id = useId();
  const [text, setText] = useState('');
  const [sent, setSent] = useState('');
  useEffect(() => {
    if (remote) setText(remote);
  }, [remote]);
  return (
    <details className="card rdp-clipboard">
      <summary>Clipboard</summary>
      <label htmlFor={`${id}-text`}>Text on the remote clipboard (copied there appears here; edit and send to paste it there)</label>
      <textarea id={`${id}-text`} data-testid="rdp-clipboard" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      <div className="toolbar">
        <button
          type="button"
          className="button"
          disabled={disabled}
          onClick={() => {
            onSend(text);
            setSent('Sent to the remote clipboard.');
          }}
        >
          Send to remote clipboard
        </button>
        <span className="muted small" aria-live="polite">
          {sent}
        </span>
      </div>
    </details>
  );
}
