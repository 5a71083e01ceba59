import { useEffect, useRef } from 'react';
import { createTerminal, resetInOrder } from '../terminal/create-terminal';

/** Paints an exact screen into a tile's terminal. */
export type ThumbnailSink = (cols: number, rows: number, screen: string) => void;

/**
 * A session's screen, scaled down to its tile: a read-only xterm.js terminal at its natural size,
 * shrunk with a CSS transform so a wall of 80×24 screens stays legible in shape and colour.
 * Decorative for assistive technology (the tile's link names the session); never focusable.
 */
export function ThumbnailTerminal({ register }: { register: (sink: ThumbnailSink | null) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const outer = box.current;
    const content = inner.current;
    if (!outer || !content) return;
    const terminal = createTerminal(content, { fontSize: 12, scrollback: 0, disableStdin: true, cursorBlink: false, cursorInactiveStyle: 'none' });
    terminal.textarea?.setAttribute('tabindex', '-1');
    const fit = () => {
      const screen = content.querySelector<HTMLElement>('.xterm-screen');
      if (!screen || screen.offsetWidth === 0) return;
      const scale = Math.min(1, outer.clientWidth / screen.offsetWidth);
      content.style.transform = `scale(${scale})`;
      outer.style.height = `${Math.ceil(screen.offsetHeight * scale)}px`;
    };
    const observer = new ResizeObserver(fit);
    observer.observe(outer);
    fit();
    register((cols, rows, screen) => resetInOrder(terminal, cols, rows, screen, fit));
    return () => {
      register(null);
      observer.disconnect();
      terminal.dispose();
    };
  }, [register]);

  return (
    <div className="wall-thumb" ref={box} aria-hidden="true">
      <div className="wall-thumb-inner" ref={inner} />
    </div>
  );
}
