import { LiveWireViewer } from './live-wire-viewer';
import type { InteractiveProcess } from './terminal';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isResync = (frame: Buffer) => frame.subarray(0, 17).toString() === '42/live,["resync"';
const isOutput = (frame: Buffer) => frame.subarray(0, 17).toString() === '42/live,["output"';

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition() && Date.now() < deadline; ) await sleep(20);
}

/** What the user streams: 1,000 lines of 10,000 digits (and the pty's CR LF). */
export const STREAMED_BYTES = 1_000 * 10_002;

export interface StalledViewerRun {
  /** the reading viewer got the stream's last line (live, or in a fresh screen if it lagged too) */
  readingReachedEnd: boolean;
  /** bytes of frames the stalled viewer received in all: bounded, far below the stream */
  stalledReceivedBytes: number;
  /** it was skipped at least once (alone, or with everyone in a flood) and given a fresh screen */
  stalledResynced: boolean;
  /**
   * after reading again its screen has the stream's last line: in its last resync, or in output
   * that followed it (when the skip came early, while the stream was still running)
   */
  stalledCaughtUp: boolean;
}

/**
 * Two raw-protocol viewers of a session (cheap to run beside an in-process gateway): one keeps
 * reading, one stops; the user then streams ~10 MB at ~1.3 MB/s (more than the kernel's socket
 * buffers absorb), and the stalled one reads again. Without backpressure the stalled viewer would
 * be sent all of it; with it, it is skipped (alone, or with everyone if the gateway sees the
 * stream as a flood) and gets the current screen instead.
 */
export async function runStalledViewer(
  options: { readingUrl: string; stalledUrl: string; token: string; sessionId: string; user: InteractiveProcess; endMarker: string; endCommand: string },
): Promise<StalledViewerRun> {
  const { sessionId, user, endMarker } = options;
  const reading = await LiveWireViewer.connect(options.readingUrl, options.token);
  const stalled = await LiveWireViewer.connect(options.stalledUrl, options.token);
  try {
    let readingReachedEnd = false;
    reading.onEventFrame((frame) => {
      if (frame.includes(endMarker)) readingReachedEnd = true;
    });
    let stalledReceivedBytes = 0;
    let resyncs = 0;
    /** whether the screen the stalled viewer can build from its last resync on has the last line */
    let caughtUp = false;
    stalled.onEventFrame((frame) => {
      stalledReceivedBytes += frame.length;
      if (isResync(frame)) {
        resyncs++;
        caughtUp = frame.includes(endMarker);
      } else if (resyncs > 0 && isOutput(frame) && frame.includes(endMarker)) {
        caughtUp = true;
      }
    });
    await reading.attachView(sessionId);
    await stalled.attachView(sessionId);
    stalled.setReading(false);

    user.write(`for i in $(seq 1 1000); do printf '%010000d\\n' $i; sleep 0.005; done; ${options.endCommand}\n`);
    await user.waitFor(endMarker, 60_000);
    await until(() => readingReachedEnd, 15_000);

    stalled.setReading(true);
    await until(() => caughtUp, 10_000);
    await sleep(500); // anything still queued for it arrives by now
    return { readingReachedEnd, stalledReceivedBytes, stalledResynced: resyncs > 0, stalledCaughtUp: caughtUp };
  } finally {
    reading.close();
    stalled.close();
  }
}
