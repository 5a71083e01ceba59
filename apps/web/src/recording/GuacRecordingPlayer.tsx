import { useEffect, useRef, useState } from 'react';
import Guacamole from 'guacamole-common-js';
import { blobTunnel } from './blob-tunnel';
import { PlayerControls } from './PlayerControls';
import { SeekQueue } from './seek-queue';
import './player.css';

interface Props {
  /** guacd's recording of an RDP/VNC session, as fetched */
  recording: Blob;
  /** accessible name of the screen */
  label: string;
  /** where the player starts: the first frame, or the last (the live rewind's "now") */
  startAt?: 'beginning' | 'end';
}

interface Loaded {
  queue: SeekQueue;
  duration: number;
}

/**
 * Replays guacd's recording of a desktop session with Guacamole.SessionRecording: play/pause,
 * seek, 0.5×–4×. The player's own clock drives the recording through seeks (SeekQueue) instead of
 * SessionRecording.play(), which only knows real time: one clock for every speed, and the
 * position shown is the position asked for. "Painted" is the position whose frame the display has
 * flushed to its canvases.
 */
export function GuacRecordingPlayer({ recording, label, startAt = 'beginning' }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadedSeconds, setLoadedSeconds] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [position, setPosition] = useState(0);
  const positionRef = useRef(0);
  const [painted, setPainted] = useState(-1);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  /** bumps on each seek so a running clock restarts from the new position */
  const [seeks, setSeeks] = useState(0);

  const moveTo = (seconds: number) => {
    positionRef.current = seconds;
    setPosition(seconds);
  };

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const session = new Guacamole.SessionRecording(blobTunnel(recording));
    const display = session.getDisplay();
    host.replaceChildren(display.getElement());
    // the remote screen keeps its aspect ratio and never grows past its own size
    const fit = () => {
      const width = display.getWidth();
      if (width > 0 && host.clientWidth > 0) display.scale(Math.min(1, host.clientWidth / width));
    };
    display.onresize = fit;
    const resizes = new ResizeObserver(fit);
    resizes.observe(host);
    let disposed = false;
    const queue = new SeekQueue(session, (ms) => display.flush(() => !disposed && setPainted(ms / 1000)));
    setLoaded(null);
    setError(null);
    setPlaying(false);
    setPainted(-1);
    session.onprogress = (ms) => !disposed && setLoadedSeconds(ms / 1000);
    session.onerror = (message) => !disposed && setError(`The recording cannot be played: ${message}`);
    session.onload = () => {
      if (disposed) return;
      const duration = session.getDuration() / 1000;
      const start = startAt === 'end' ? duration : 0;
      setLoaded({ queue, duration });
      moveTo(start);
      // A recording without a single frame has nothing to draw: it is "painted" at once.
      if (duration === 0) setPainted(0);
      queue.seekTo(start * 1000);
    };
    session.connect();
    return () => {
      disposed = true;
      queue.dispose();
      resizes.disconnect();
      session.abort();
      session.pause();
      host.replaceChildren();
    };
  }, [recording, startAt]);

  useEffect(() => {
    if (!playing || !loaded) return;
    const from = positionRef.current;
    const wall = performance.now();
    let frame = requestAnimationFrame(function tick() {
      const t = Math.min(loaded.duration, from + ((performance.now() - wall) / 1000) * speed);
      loaded.queue.seekTo(t * 1000);
      moveTo(t);
      if (t >= loaded.duration) setPlaying(false);
      else frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, speed, loaded, seeks]);

  const duration = loaded?.duration ?? loadedSeconds;

  const seek = (seconds: number) => {
    if (!loaded) return;
    const target = Math.min(Math.max(0, seconds), loaded.duration);
    // not drawn until this seek is: a reader must not take the previous frame for it
    setPainted(-1);
    loaded.queue.seekTo(target * 1000);
    moveTo(target);
    setSeeks((n) => n + 1);
  };

  const playPause = () => {
    if (!loaded) return;
    if (playing) return setPlaying(false);
    if (positionRef.current >= loaded.duration) seek(0);
    setPlaying(true);
  };

  // "finished" only once the last frame is drawn, not when the clock reached the end
  const state = !loaded ? 'loading' : playing ? 'playing' : position >= duration && painted >= duration ? 'finished' : 'paused';
  return (
    <div
      className="recording-player guac-player"
      data-format="guacamole"
      data-state={state}
      data-position={position.toFixed(2)}
      data-painted={painted.toFixed(2)}
      data-duration={duration.toFixed(2)}
    >
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      <div ref={hostRef} className="guac-player-screen" role="img" aria-label={label} data-guac-display="" />
      {!loaded && !error && (
        <p className="muted" role="status">
          Reading the recording… {Math.floor(loadedSeconds)} s so far
        </p>
      )}
      <PlayerControls playing={playing} position={position} duration={duration} speed={speed} onPlayPause={playPause} onSeek={seek} onSpeed={setSpeed} />
      <p className="visually-hidden" role="status" aria-live="polite">
        {state === 'finished' ? 'Playback finished.' : state === 'playing' ? `Playing at ${speed}×.` : state === 'loading' ? 'Loading.' : 'Paused.'}
      </p>
    </div>
  );
}
