import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A modal on the native <dialog>: focus trap, Escape and the backdrop come from the browser. On
 * close the focus goes back to what had it before (the button that opened the dialog); when that
 * is gone (the row of a terminated session), to the page's main region, never to nowhere.
 */
export function Dialog({ open, title, onClose, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    }
    if (!open && dialog.open) {
      dialog.close();
      const back = opener.current?.isConnected ? opener.current : document.getElementById('main');
      back?.focus();
      opener.current = null;
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="dialog-title">{title}</h2>
      {open && children}
    </dialog>
  );
}

/** Cancel, and the dialog's one destructive action (Delete, Revoke, ...), as every confirmation shows them. */
export function ConfirmButtons({ onCancel, onConfirm, confirmLabel = 'Delete' }: { onCancel: () => void; onConfirm: () => void; confirmLabel?: string }) {
  return (
    <div className="dialog-buttons">
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="button" className="button danger" onClick={onConfirm}>
        {confirmLabel}
      </button>
    </div>
  );
}
