/**
 * The floor for shadow delay: the same target stream, read over a direct ssh, broadcast as raw
 * `ws` text frames to every client, each chunk the moment it is read (no batching, no screen
 * mirror, no recording, no socket.io framing). Runs in a worker thread so, like the gateway
 * process, it has an event loop of its own apart from the clients in the main thread.
 */
import { spawn } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket, WebSocketServer } from 'ws';

const { sshArgs, command } = workerData as { sshArgs: string[]; command: string };
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
const clients = new Set<WebSocket>();
server.on('connection', (ws) => {
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
});
server.on('listening', () => parentPort!.postMessage({ type: 'port', port: (server.address() as { port: number }).port }));

const child = spawn('ssh', [...sshArgs, command], { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.on('data', (c: Buffer) => {
  stderr += c.toString();
  if (stderr.includes('READY')) parentPort!.postMessage({ type: 'ready' });
});
child.stdout.on('data', (chunk: Buffer) => {
  // Encoded once, sent to all as a text frame (what a socket.io room broadcast also does).
  for (const ws of clients) ws.send(chunk, { binary: false });
});
child.on('close', (code) => {
  parentPort!.postMessage({ type: 'done', code, stderr });
  for (const ws of clients) ws.close();
  server.close();
});
parentPort!.on('message', (message: { type: string }) => {
  if (message.type === 'go') child.stdin.write('go\n');
  if (message.type === 'stop') child.kill('SIGKILL');
});
