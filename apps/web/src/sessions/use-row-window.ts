import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** Tables longer than this render only the rows on screen (and a margin around them). */
export const WINDOW_FROM_ROWS = 200;
const OVERSCAN_ROWS = 20;
/** rendered before the first measure, enough to fill a tall screen */
const INITIAL_ROWS = 80;

export interface RowWindow {
  /** index of the first rendered row */
  start: number;
  /** index after the last rendered row */
  end: number;
  /** measured height of one row, px (0 until measured) */
  rowHeight: number;
}

/**
 * Which rows of a long table are on screen. Thousands of rows in the DOM cost the browser a whole
 * table layout on every live change and every second's duration tick (about a second each with
 * 3,000 sessions); rendering the visible rows keeps both constant. Rows are one line high (cells
 * never wrap), so one measured row gives every position. The page scrolls, not the table.
 */
export function useRowWindow(count: number, body: RefObject<HTMLTableSectionElement | null>): RowWindow | null {
  const windowed = count > WINDOW_FROM_ROWS;
  const [range, setRange] = useState<RowWindow>({ start: 0, end: INITIAL_ROWS, rowHeight: 0 });
  const lastRowHeight = useRef(0);

  useLayoutEffect(() => {
    if (!windowed) return;
    let frame = 0;
    const measure = () => {
      frame = 0;
      const element = body.current;
      if (!element) return;
      const rowHeight = element.querySelector<HTMLElement>('tr[data-session-id]')?.offsetHeight || lastRowHeight.current;
      // nothing measured yet and no row rendered to measure: start at the top (the last height
      // measured serves when the list shrinks under the window and leaves it empty for a frame)
      if (!rowHeight) return setRange((r) => (r.start === 0 ? r : { start: 0, end: INITIAL_ROWS, rowHeight: 0 }));
      lastRowHeight.current = rowHeight;
      const top = element.getBoundingClientRect().top;
      const start = Math.min(count, Math.max(0, Math.floor(-top / rowHeight) - OVERSCAN_ROWS));
      const end = Math.min(count, Math.max(start, Math.ceil((window.innerHeight - top) / rowHeight) + OVERSCAN_ROWS));
      setRange((r) => (r.start === start && r.end === end && r.rowHeight === rowHeight ? r : { start, end, rowHeight }));
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
    };
  }, [windowed, count, body]);

  return windowed ? { ...range, start: Math.min(range.start, count), end: Math.min(range.end, count) } : null;
}

/**
 * The columns' widths as the first screenful laid them out, frozen while the table is windowed:
 * an automatic layout of whichever rows happen to be rendered would make columns jump on scroll.
 * Measured again when the columns change.
 */
export function useFrozenColumnWidths(active: boolean, columnsKey: string, head: RefObject<HTMLTableRowElement | null>): number[] | null {
  const [frozen, setFrozen] = useState<{ key: string; widths: number[] } | null>(null);
  useLayoutEffect(() => {
    if (!active) {
      if (frozen) setFrozen(null);
      return;
    }
    if (frozen?.key === columnsKey || !head.current) return;
    setFrozen({ key: columnsKey, widths: [...head.current.children].map((cell) => cell.getBoundingClientRect().width) });
  }, [active, columnsKey, frozen, head]);
  return active && frozen?.key === columnsKey ? frozen.widths : null;
}
