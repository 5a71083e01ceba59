import { MARKER_GLYPH, type TimelineMarker } from './timeline-markers';

interface Props {
  markers: readonly TimelineMarker[];
  /** where a marker's real time sits on the slider, 0..1 (idle skipping moves them) */
  fraction: (seconds: number) => number;
  onSeek: (marker: TimelineMarker) => void;
}

/** The audit events of the session along the timeline, each a button that seeks to its moment. */
export function TimelineMarkers({ markers, fraction, onSeek }: Props) {
  if (markers.length === 0) return null;
  return (
    <ul className="player-markers" aria-label="Events on the timeline" data-testid="player-markers">
      {markers.map((m) => (
        <li key={m.id} style={{ left: `${(fraction(m.time) * 100).toFixed(3)}%` }}>
          <button
            type="button"
            className={`player-marker marker-${m.kind}`}
            aria-label={m.label}
            title={m.label}
            data-kind={m.kind}
            data-time={m.time.toFixed(2)}
            onClick={() => onSeek(m)}
          >
            <span aria-hidden="true">{MARKER_GLYPH[m.kind]}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
