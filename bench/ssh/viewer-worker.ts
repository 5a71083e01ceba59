/**
 * One `/live` viewer (socket.io-client, websocket transport, as the console) attached in view
 * mode to a session, in a worker thread: a viewer is another person's browser, so its decoding
 * must not run on the thread that times the user's keystrokes (echo-latency.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { attachView, connectLive } from './live-client';

const { url, token, sessionId } = workerData as { url: string; token: string; sessionId: string };
const port = parentPort!;

async function main(): Promise<void> {
  const socket = await connectLive(url, token);
  let outputs = 0;
  let chars = 0;
  socket.on('output', (event: { data: string }) => {
    outputs += 1;
    chars += event.data.length;
  });
  await attachView(socket, sessionId);
  port.postMessage({ type: 'attached' });
  port.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    port.postMessage({ type: 'received', outputs, chars });
    socket.close();
  });
}

main().catch((error: Error) => port.postMessage({ type: 'error', message: error.message }));
