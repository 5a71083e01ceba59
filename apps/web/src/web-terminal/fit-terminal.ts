import type { Terminal } from '@xterm/xterm';

/** The smallest terminal offered, whatever the box; the server clamps the largest. */
const MIN_COLS = 20;
const MIN_ROWS = 5;

/**
 * The size (characters) that fills `box` with `terminal`'s cells. The cell is xterm's own measure
 * when its renderer has one, else measured here with the terminal's font.
 */
export function fitSize(terminal: Terminal, box: HTMLElement): { cols: number; rows: number } {
  const cell = cellSize(terminal);
  const style = getComputedStyle(box);
  const width = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const height = box.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return {
    cols: Math.max(MIN_COLS, Math.floor(width / cell.width)),
    rows: Math.max(MIN_ROWS, Math.floor(height / cell.height)),
  };
}

function cellSize(terminal: Terminal): { width: number; height: number } {
  // xterm.js keeps its measured cell on the render service (no public API without the fit addon)
  const core = (terminal as unknown as { _core?: { _renderService?: { dimensions?: { css?: { cell?: { width: number; height: number } } } } } })._core;
  const measured = core?._renderService?.dimensions?.css?.cell;
  if (measured && measured.width > 0 && measured.height > 0) return measured;
  const probe = document.createElement('span');
  probe.textContent = 'W'.repeat(32);
  probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font-family:${terminal.options.fontFamily};font-size:${terminal.options.fontSize}px`;
  document.body.appendChild(probe);
  const rect = probe.getBoundingClientRect();
  probe.remove();
  return { width: rect.width / 32 || 8, height: rect.height || 17 };
}
