import { useEffect, useState, type RefObject } from 'react';
import type { Terminal } from '@xterm/xterm';
import { fitScale, storeSizing, storedSizing, type TerminalSizing } from './fit-scale';

/**
 * Fits a terminal host to the width of its parent (CSS zoom on the xterm element, so the box
 * shrinks with it and nothing is clipped), or shows it 1:1 with a scrollbar. The terminal keeps the
 * session's columns and rows: only what the viewer sees is scaled. The natural width is xterm's
 * own inline width of its screen, which zoom does not change.
 */
export function useFitWidth(hostRef: RefObject<HTMLElement | null>, terminal: Terminal | null) {
  const [sizing, setSizing] = useState<TerminalSizing>(() => storedSizing());
  const [zoom, setZoom] = useState(1);

  useEffect(() => {
    const host = hostRef.current;
    if (!host || !terminal) return;
    const apply = () => {
      const xterm = host.querySelector<HTMLElement>('.xterm');
      const screen = host.querySelector<HTMLElement>('.xterm-screen');
      const parent = host.parentElement;
      if (!xterm || !screen || !parent) return;
      const padding = host.offsetWidth - host.clientWidth + parseFloat(getComputedStyle(host).paddingLeft) + parseFloat(getComputedStyle(host).paddingRight);
      const next = sizing === 'fit' ? fitScale(parseFloat(screen.style.width) || screen.offsetWidth, parent.clientWidth - padding) : 1;
      xterm.style.setProperty('zoom', String(next));
      host.dataset.zoom = String(next);
      setZoom(next);
    };
    apply();
    const observer = new ResizeObserver(apply);
    if (host.parentElement) observer.observe(host.parentElement);
    const resized = terminal.onResize(apply);
    const rendered = terminal.onRender(() => (host.dataset.zoom === undefined ? apply() : undefined));
    return () => {
      observer.disconnect();
      resized.dispose();
      rendered.dispose();
    };
  }, [hostRef, terminal, sizing]);

  const choose = (next: TerminalSizing) => {
    storeSizing(next);
    setSizing(next);
  };
  return { sizing, zoom, choose };
}
