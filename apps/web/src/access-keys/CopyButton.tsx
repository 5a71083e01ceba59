import { useEffect, useState } from 'react';

interface Props {
  text: string;
  /** the visible label, e.g. "Copy secret access key" */
  label: string;
}

/** Copies `text` to the clipboard and says, politely, whether it worked. */
export function CopyButton({ text, label }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state !== 'copied') return;
    const timer = setTimeout(() => setState('idle'), 4000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // no clipboard (permission refused, insecure origin): the field above can still be selected by hand
      setState('failed');
    }
  };

  return (
    <div className="copy-row">
      <button type="button" className="button small" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className={state === 'failed' ? 'copy-status failed' : 'copy-status'}>
        {state === 'copied' ? 'Copied to the clipboard.' : state === 'failed' ? 'Could not copy: select the text and copy it yourself.' : ''}
      </span>
    </div>
  );
}
