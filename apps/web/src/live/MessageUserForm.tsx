import { useState, type FormEvent } from 'react';

/** The server's bound (libs/shadowing live-events.ts MAX_MESSAGE_CHARS). */
const MAX_CHARS = 200;

/** One line to the session's user: on their terminal (and in the recording), or a notice on their desktop. Audited. */
export function MessageUserForm({ disabled, onSend }: { disabled: boolean; onSend: (text: string) => Promise<void> }) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const [sending, setSending] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const line = text.trim();
    if (!line) return;
    setSending(true);
    try {
      await onSend(line);
      setText('');
      setStatus('Sent to the user.');
    } catch (e) {
      setStatus(`Not sent: ${(e as Error).message}`);
    } finally {
      setSending(false);
    }
  };
  return (
    <form className="toolbar message-user" onSubmit={(e) => void submit(e)} aria-label="Message the user">
      <label htmlFor="message-user-text">Message the user</label>
      <input
        id="message-user-text"
        type="text"
        maxLength={MAX_CHARS}
        value={text}
        disabled={disabled || sending}
        onChange={(e) => setText(e.target.value)}
        placeholder="One line, shown on their screen"
        aria-describedby="message-user-status"
      />
      <button type="submit" className="button" disabled={disabled || sending || text.trim().length === 0}>
        Send
      </button>
      <span id="message-user-status" className="muted small" aria-live="polite" data-testid="message-status">
        {status}
      </span>
    </form>
  );
}
