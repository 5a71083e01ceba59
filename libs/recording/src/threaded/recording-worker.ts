/**
 * The recording thread: runs one AsciicastWriter per recording (framing `.vcast`, or escaping
 * `.cast`, as the path says), so serialising, SHA-256 and file I/O of every session's recording
 * happen off the event loop that relays the sessions.
 */
import { parentPort } from 'node:worker_threads';
import { parseSize } from '../asciicast-format';
import { AsciicastWriter } from '../asciicast-writer';
import { SHARED_FRAME_FIELDS, type BatchMessage, type FromRecordingThread, type SharedFrames, type ToRecordingThread } from './recording-thread-protocol';

interface Recording {
  writer: AsciicastWriter;
  /** the event being recorded: AsciicastWriter reads its time from here */
  clock: { elapsedMs: number };
}

const port = parentPort;
if (!port) throw new Error('recording-worker must run in a worker thread');
const recordings = new Map<number, Recording>();
const reply = (message: FromRecordingThread) => port.postMessage(message);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

port.on('message', (message: ToRecordingThread) => {
  switch (message.type) {
    case 'open':
      return void open(message.id, message.path, message.options);
    case 'batches':
      if (message.shared) appendSharedFrames(message.shared);
      for (const item of message.items) {
        if (item.type === 'frames') appendFrames(item.id, Buffer.from(item.buffer, item.offset, item.bytes), item.elapsedMs);
        else record(item.id, Buffer.from(item.buffer, item.offset, item.bytes), item.events);
      }
      return;
    case 'close':
      return void close(message.id, message.elapsedMs);
  }
});

async function open(id: number, path: string, options: Extract<ToRecordingThread, { type: 'open' }>['options']): Promise<void> {
  const clock = { elapsedMs: 0 };
  try {
    const writer = await AsciicastWriter.open(path, {
      ...options,
      clock: () => clock.elapsedMs,
      onError: (error) => reply({ type: 'failed', id, message: error.message }),
    });
    recordings.set(id, { writer, clock });
    reply({ type: 'opened', id });
  } catch (error) {
    reply({ type: 'open-failed', id, message: messageOf(error) });
  }
}

function record(id: number, data: Buffer, events: Extract<BatchMessage, { type: 'events' }>['events']): void {
  const recording = recordings.get(id);
  if (recording) {
    const { writer, clock } = recording;
    for (const event of events) {
      clock.elapsedMs = event[0];
      switch (event[1]) {
        case 'o':
          writer.output(data.subarray(event[2], event[2] + event[3]));
          break;
        case 'i':
          writer.input(data.subarray(event[2], event[2] + event[3]));
          break;
        case 'v':
          writer.viewerInput(event[4], data.subarray(event[2], event[2] + event[3]));
          break;
        case 'r': {
          const size = parseSize(event[2]);
          if (size) writer.resize(size.cols, size.rows);
          break;
        }
        case 'm':
          writer.marker(event[2]);
          break;
      }
    }
  }
  settle(id, recording, data.length);
}

/** Framed on the gateway's thread already: appended as it is (hashed and written, no per-event work). */
function appendFrames(id: number, frames: Buffer, elapsedMs: number): void {
  const recording = recordings.get(id);
  if (recording) {
    recording.clock.elapsedMs = elapsedMs;
    recording.writer.appendFrames(frames);
  }
  settle(id, recording, frames.length);
}

function appendSharedFrames({ buffer, meta }: SharedFrames): void {
  for (let at = 0; at < meta.length; at += SHARED_FRAME_FIELDS) {
    appendFrames(meta[at], Buffer.from(buffer, meta[at + 1], meta[at + 2]), meta[at + 3]);
  }
}

function settle(id: number, recording: Recording | undefined, bytes: number): void {
  if (!recording) return reply({ type: 'consumed', id, bytes });
  // Told once on disk, not once queued here: the gateway's in-flight bound then covers every byte
  // not yet written, so a flood is dropped (behind a gap marker) there and not in this queue.
  void recording.writer.written().then(() => reply({ type: 'consumed', id, bytes }));
}

async function close(id: number, elapsedMs: number): Promise<void> {
  const recording = recordings.get(id);
  if (!recording) return reply({ type: 'close-failed', id, message: 'no such recording' });
  recordings.delete(id);
  recording.clock.elapsedMs = elapsedMs;
  try {
    const { sha256, bytes, durationSeconds, droppedBytes } = await recording.writer.close();
    reply({ type: 'closed', id, summary: { sha256, bytes, durationSeconds, droppedBytes } });
  } catch (error) {
    reply({ type: 'close-failed', id, message: messageOf(error) });
  }
}
