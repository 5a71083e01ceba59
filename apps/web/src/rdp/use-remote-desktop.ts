import { useEffect, useRef, useState, type RefObject } from 'react';
import { RemoteDesktop, type DesktopState, type RemoteDesktopOptions } from './remote-desktop';
import type { VigilNotice } from './vigil-notice';

/** Window and layout changes come in bursts (a drag of the window's edge): one resize after they settle. */
export const RESIZE_DEBOUNCE_MS = 250;

export interface DesktopTicket {
  tunnel: string;
  token: string;
}

interface Options {
  role: RemoteDesktopOptions['role'];
  inputAllowed: RemoteDesktopOptions['inputAllowed'];
  onFocusEscape?: () => void;
}

/**
 * A RemoteDesktop in `hostRef` for as long as `ticket` stays the same (a new ticket, e.g. a
 * re-attach, opens a new tunnel; null closes it): its state, the latest in-band notice, the text
 * the remote side copied, and the desktop itself for clipboard and disconnect.
 */
export function useRemoteDesktop(hostRef: RefObject<HTMLElement | null>, ticket: DesktopTicket | null, options: Options) {
  const [state, setState] = useState<DesktopState>({ phase: 'connecting', reason: null });
  const [notice, setNotice] = useState<VigilNotice | null>(null);
  const [remoteClipboard, setRemoteClipboard] = useState('');
  const desktopRef = useRef<RemoteDesktop | null>(null);
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    const host = hostRef.current;
    if (!ticket || !host) return;
    setState({ phase: 'connecting', reason: null });
    const allowed = latest.current.inputAllowed;
    const desktop = new RemoteDesktop({
      tunnel: ticket.tunnel,
      token: ticket.token,
      host,
      role: latest.current.role,
      // read through the ref: the control state changes without a new tunnel
      inputAllowed: allowed ? () => latest.current.inputAllowed?.() ?? false : null,
      onState: setState,
      onNotice: setNotice,
      onClipboard: setRemoteClipboard,
      onFocusEscape: () => latest.current.onFocusEscape?.(),
    });
    desktopRef.current = desktop;
    desktop.connect();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(() => desktop.resized(), RESIZE_DEBOUNCE_MS);
    });
    observer.observe(host);
    return () => {
      clearTimeout(timer);
      observer.disconnect();
      desktopRef.current = null;
      desktop.dispose();
    };
    // the role and whether there is input at all are fixed for a ticket
  }, [hostRef, ticket]);

  return { state, notice, remoteClipboard, desktop: desktopRef };
}
