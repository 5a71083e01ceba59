import { useId, type ReactNode } from 'react';
import { sliderMax, sliderSeconds, sliderValue } from './seek-slider';

export const SPEEDS = [0.5, 1, 2, 4] as const;

interface Props {
  playing: boolean;
  position: number;
  duration: number;
  speed: number;
  onPlayPause: () => void;
  onSeek: (seconds: number) => void;
  onSpeed: (speed: number) => void;
  /** what the slider's position reads as (default "m:ss of m:ss"); a player that cuts idle time says the real times */
  valueText?: string;
  /** the visible time (default "m:ss / m:ss") */
  timeText?: ReactNode;
  /** under the slider: markers, the wall-clock ends of the timeline */
  track?: ReactNode;
}

const clock = (seconds: number) => {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** Play/pause, a seek slider and the speed choice of the recording player. */
export function PlayerControls({ playing, position, duration, speed, onPlayPause, onSeek, onSpeed, valueText, timeText, track }: Props) {
  const id = useId();
  return (
    <div className="player-controls">
      <button type="button" className="button primary" onClick={onPlayPause} aria-label={playing ? 'Pause playback' : 'Play recording'}>
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <div className="player-track">
        <label className="player-seek">
          <span className="visually-hidden">Position in the recording</span>
          <input
            type="range"
            min={0}
            max={sliderMax(duration)}
            step={1}
            value={sliderValue(position, duration)}
            aria-valuetext={valueText ?? `${clock(position)} of ${clock(duration)}`}
            onChange={(e) => onSeek(sliderSeconds(Number(e.target.value), duration))}
          />
        </label>
        {track}
      </div>
      <span className="player-time" aria-hidden="true" data-testid="player-time">
        {timeText ?? (
          <>
            {clock(position)} / {clock(duration)}
          </>
        )}
      </span>
      <fieldset className="player-speed">
        <legend className="visually-hidden">Speed</legend>
        {SPEEDS.map((s) => (
          <label key={s} className={s === speed ? 'speed selected' : 'speed'}>
            <input type="radio" name={`speed-${id}`} value={s} checked={s === speed} onChange={() => onSpeed(s)} aria-label={`Speed ${s}×`} />
            {s}×
          </label>
        ))}
      </fieldset>
    </div>
  );
}
