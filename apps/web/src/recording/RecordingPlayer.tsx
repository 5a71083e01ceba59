import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { LiveRegion } from '../common/LiveRegion';
import { useTerminal } from '../terminal/use-terminal';
import type { Cast } from './asciicast';
import { CastPlayback } from './cast-playback';
import { SizingToggle } from '../terminal/SizingToggle';
import { useFitWidth } from '../terminal/use-fit-width';
import { IdleTimeline } from './idle-time';
import { KEYBOARD_HELP, playerKeyAction } from './player-keys';
import { PlayerControls } from './PlayerControls';
import { markersFromAudit, type TimelineMarker } from './timeline-markers';
import { TimelineMarkers } from './TimelineMarkers';
import { useSessionAuditTrail } from './use-session-audit-trail';
import { clockDateTime, clockTime, relativeClock, timeZoneName } from './wall-clock';
import './player.css';

/** Idle skipping is on by default: a reviewer wants the activity, the timeline keeps the real times. */
export const DEFAULT_IDLE_LIMIT = 2;
const IDLE_LIMITS = [1, 2, 5, 10, 30] as const;

interface Props {
  cast: Cast;
  /** accessible name of the terminal region */
  label: string;
  /** where the player starts: the first frame, or the last (the DVR's "now") */
  startAt?: 'beginning' | 'end';
  /** the recorded session: its audit trail gives the timeline's markers */
  sessionId?: string;
  /** bump to re-read the audit trail (the live rewind loading newer output) */
  auditGeneration?: number;
}

/**
 * Replays an asciicast into xterm.js: play/pause, seek, 0.5×–4×, idle-time skipping, wall-clock
 * times, the audit trail's events as markers, and a keyboard (player-keys.ts).
 */
export function RecordingPlayer({ cast, label, startAt = 'beginning', sessionId, auditGeneration = 0 }: Props) {
  const { containerRef, terminal } = useTerminal({ disableStdin: true, cursorBlink: false });
  const fit = useFitWidth(containerRef, terminal);
  const helpId = useId();
  const [playback, setPlayback] = useState<CastPlayback | null>(null);
  /** real seconds into the recording */
  const [position, setPosition] = useState(0);
  /** the position whose frame xterm.js has parsed and drawn (writes are asynchronous) */
  const [painted, setPainted] = useState(-1);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  /** bumps on each seek so a running clock restarts from the new position */
  const [seeks, setSeeks] = useState(0);
  const [skipIdle, setSkipIdle] = useState(true);
  const [idleLimit, setIdleLimit] = useState(DEFAULT_IDLE_LIMIT);
  /** what a seek by key or marker announces */
  const [moved, setMoved] = useState('');

  const timeline = useMemo(() => new IdleTimeline(cast.events.map((e) => e.time), cast.duration, skipIdle ? idleLimit : null), [cast, skipIdle, idleLimit]);
  const startMs = cast.timestamp !== undefined ? cast.timestamp * 1000 : undefined;
  const trail = useSessionAuditTrail(sessionId, auditGeneration);
  const markers = useMemo(
    () => (trail.records && startMs !== undefined ? markersFromAudit(trail.records, startMs, cast.duration, clockTime) : []),
    [trail.records, startMs, cast.duration],
  );

  /** xterm.js draws in the animation frame after parsing: report the frame once it is on screen */
  const paintedAt = (time: number) => requestAnimationFrame(() => setPainted(time));

  useEffect(() => {
    if (!terminal) return;
    const created = new CastPlayback(terminal, cast);
    const start = startAt === 'end' ? cast.duration : 0;
    created.seek(start, () => paintedAt(start));
    setPlayback(created);
    setPosition(start);
    setPlaying(false);
  }, [terminal, cast, startAt]);

  useEffect(() => {
    if (!playing || !playback) return;
    // the clock runs in play time (idle gaps cut); the screen is driven in real time
    const from = timeline.toPlay(playback.position);
    const wall = performance.now();
    let frame = requestAnimationFrame(function tick() {
      const played = Math.min(timeline.playDuration, from + ((performance.now() - wall) / 1000) * speed);
      const t = timeline.toReal(played);
      playback.advance(t, () => paintedAt(t));
      setPosition(t);
      if (played >= timeline.playDuration) setPlaying(false);
      else frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, speed, playback, timeline, seeks]);

  const seek = (seconds: number) => {
    const target = Math.min(Math.max(0, seconds), cast.duration);
    // not drawn until this seek's write is: a reader must not take the previous frame for it
    setPainted(-1);
    playback?.seek(target, () => paintedAt(target));
    setPosition(target);
    setSeeks((n) => n + 1);
    return target;
  };

  const playPause = () => {
    setMoved('');
    if (playing) return setPlaying(false);
    if (playback && playback.position >= cast.duration) seek(0);
    setPlaying(true);
  };

  const wallAt = (seconds: number) => (startMs !== undefined ? clockTime(startMs + seconds * 1000) : null);
  const spoken = (seconds: number) => {
    const wall = wallAt(seconds);
    return `${relativeClock(seconds)} of ${relativeClock(cast.duration)}${wall ? `, ${wall}` : ''}`;
  };

  const seekMarker = (marker: TimelineMarker) => {
    seek(marker.time);
    setMoved(`Moved to ${marker.label}.`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const action = playerKeyAction(event, event.target as HTMLElement);
    if (!action) return;
    event.preventDefault();
    if (action.kind === 'toggle') return playPause();
    const target =
      action.kind === 'start' ? 0 : action.kind === 'end' ? cast.duration : timeline.toReal(timeline.toPlay(position) + action.seconds);
    setMoved(`At ${spoken(seek(target))}.`);
  };

  // "finished" only once the last frame is on screen, not when the clock reached the end
  const state = playing ? 'playing' : position >= cast.duration && painted >= cast.duration ? 'finished' : 'paused';
  const stateText = state === 'finished' ? 'Playback finished.' : state === 'playing' ? `Playing at ${speed}×.` : 'Paused.';
  const wallNow = wallAt(position);
  return (
    <div
      className="recording-player"
      data-state={state}
      data-position={position.toFixed(2)}
      data-painted={painted.toFixed(2)}
      data-duration={cast.duration.toFixed(2)}
      data-play-duration={timeline.playDuration.toFixed(2)}
      data-idle-limit={skipIdle ? idleLimit : 'off'}
      onKeyDown={onKeyDown}
    >
      <div ref={containerRef} className="terminal-host player-screen" role="region" aria-label={label} aria-describedby={helpId} tabIndex={0} />
      <PlayerControls
        playing={playing}
        position={timeline.toPlay(position)}
        duration={timeline.playDuration}
        speed={speed}
        onPlayPause={playPause}
        onSeek={(played) => seek(timeline.toReal(played))}
        onSpeed={setSpeed}
        valueText={spoken(position)}
        timeText={
          <>
            {relativeClock(position)} / {relativeClock(cast.duration)}
            {wallNow && <span className="player-wall" data-testid="player-wall-now"> · {wallNow}</span>}
          </>
        }
        track={
          <>
            <TimelineMarkers markers={markers} fraction={(s) => (timeline.playDuration > 0 ? timeline.toPlay(s) / timeline.playDuration : 0)} onSeek={seekMarker} />
            {startMs !== undefined && (
              <div className="player-wall-ends muted small" aria-hidden="true">
                <span>{clockTime(startMs)}</span>
                <span>{clockTime(startMs + cast.duration * 1000)}</span>
              </div>
            )}
          </>
        }
      />
      <div className="player-options">
        <label className="player-idle">
          <input type="checkbox" checked={skipIdle} onChange={(e) => setSkipIdle(e.target.checked)} data-testid="idle-skip" />
          Skip idle time: gaps longer than
        </label>
        <label className="player-idle-limit">
          <span className="visually-hidden">Longest idle gap kept</span>
          <select value={idleLimit} disabled={!skipIdle} onChange={(e) => setIdleLimit(Number(e.target.value))}>
            {IDLE_LIMITS.map((n) => (
              <option key={n} value={n}>
                {n} s
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" data-testid="idle-summary">
          {skipIdle && timeline.skipped > 0.5
            ? `play in ${idleLimit} s: ${relativeClock(cast.duration)} plays in ${relativeClock(timeline.playDuration)}.`
            : skipIdle
              ? `play in ${idleLimit} s (none in this recording).`
              : 'Idle gaps play in real time.'}
        </span>
        <SizingToggle sizing={fit.sizing} zoom={fit.zoom} onChoose={fit.choose} />
      </div>
      <p className="muted small" data-testid="player-wall-clock">
        {startMs !== undefined
          ? `Recorded ${clockDateTime(startMs)} to ${clockTime(startMs + cast.duration * 1000)} (times in ${timeZoneName()}).`
          : 'This recording has no start time: no wall-clock times or markers.'}
        {trail.note && <span data-testid="markers-note"> {trail.note}</span>}
      </p>
      <p className="muted small" id={helpId} data-testid="player-keys-help">
        {KEYBOARD_HELP}
      </p>
      <LiveRegion message={moved ? `${stateText} ${moved}` : stateText} />
    </div>
  );
}
