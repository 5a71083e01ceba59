import { useEffect, useState } from 'react';
import { useTerminal } from '../terminal/use-terminal';
import type { Cast } from './asciicast';
import { CastPlayback } from './cast-playback';
import { SizingToggle } from '../terminal/SizingToggle';
import { useFitWidth } from '../terminal/use-fit-width';
import { PlayerControls } from './PlayerControls';
import './player.css';

interface Props {
  cast: Cast;
  /** accessible name of the terminal region */
  label: string;
  /** where the player starts: the first frame, or the last (the DVR's "now") */
  startAt?: 'beginning' | 'end';
}

/** Replays an asciicast into xterm.js: play/pause, seek, 0.5×–4×. */
export function RecordingPlayer({ cast, label, startAt = 'beginning' }: Props) {
  const { containerRef, terminal } = useTerminal({ disableStdin: true, cursorBlink: false });
  const fit = useFitWidth(containerRef, terminal);
  const [playback, setPlayback] = useState<CastPlayback | null>(null);
  const [position, setPosition] = useState(0);
  /** the position whose frame xterm.js has parsed and drawn (writes are asynchronous) */
  const [painted, setPainted] = useState(-1);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  /** bumps on each seek so a running clock restarts from the new position */
  const [seeks, setSeeks] = useState(0);

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
    const from = playback.position;
    const wall = performance.now();
    let frame = requestAnimationFrame(function tick() {
      const t = Math.min(cast.duration, from + ((performance.now() - wall) / 1000) * speed);
      playback.advance(t, () => paintedAt(t));
      setPosition(t);
      if (t >= cast.duration) setPlaying(false);
      else frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, speed, playback, cast, seeks]);

  const seek = (seconds: number) => {
    const target = Math.min(Math.max(0, seconds), cast.duration);
    // not drawn until this seek's write is: a reader must not take the previous frame for it
    setPainted(-1);
    playback?.seek(target, () => paintedAt(target));
    setPosition(target);
    setSeeks((n) => n + 1);
  };

  const playPause = () => {
    if (playing) return setPlaying(false);
    if (playback && playback.position >= cast.duration) seek(0);
    setPlaying(true);
  };

  // "finished" only once the last frame is on screen, not when the clock reached the end
  const state = playing ? 'playing' : position >= cast.duration && painted >= cast.duration ? 'finished' : 'paused';
  return (
    <div className="recording-player" data-state={state} data-position={position.toFixed(2)} data-painted={painted.toFixed(2)} data-duration={cast.duration.toFixed(2)}>
      <div ref={containerRef} className="terminal-host player-screen" role="region" aria-label={label} />
      <PlayerControls
        playing={playing}
        position={position}
        duration={cast.duration}
        speed={speed}
        onPlayPause={playPause}
        onSeek={seek}
        onSpeed={setSpeed}
      />
      <SizingToggle sizing={fit.sizing} zoom={fit.zoom} onChoose={fit.choose} />
      <p className="visually-hidden" role="status" aria-live="polite">
        {state === 'finished' ? 'Playback finished.' : state === 'playing' ? `Playing at ${speed}×.` : 'Paused.'}
      </p>
    </div>
  );
}
