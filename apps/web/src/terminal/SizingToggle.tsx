import type { TerminalSizing } from './fit-scale';

/** Fit to width (scaled, the default) or 1:1 (scrollable), and the scale shown now. */
export function SizingToggle({ sizing, zoom, onChoose }: { sizing: TerminalSizing; zoom: number; onChoose: (s: TerminalSizing) => void }) {
  return (
    <span className="sizing-toggle">
      <button type="button" className="button small" aria-pressed={sizing === 'fit'} onClick={() => onChoose(sizing === 'fit' ? 'actual' : 'fit')}>
        Fit to width
      </button>
      <span className="muted small" data-testid="terminal-scale">
        {sizing === 'fit' ? `${Math.round(zoom * 100)} %` : '1:1'}
      </span>
    </span>
  );
}
