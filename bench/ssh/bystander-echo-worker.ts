/**
 * A bystander: another user's PTY session through the same jump, typing one key every `gapMs`
 * and timing its echo, while the session under test is being fanned out to many viewers. It runs
 * in a worker thread so the bench's viewers (main thread) do not delay its timer; what it sees is
 * what the gateway's event loop leaves for everyone else.
 */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Client, ClientChannel } from 'ssh2';

const { port, username, keyPath, cipher, gapMs } = workerData as { port: number; username: string; keyPath: string; cipher: string; gapMs: number };
const client = new Client();
const samples: number[] = [];
let typing = false;
let unanswered = 0;

function typeLoop(channel: ClientChannel): void {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  let i = 0;
  const next = () => {
    if (!typing) return;
    const key = alphabet[i++ % alphabet.length];
    const started = performance.now();
    const timeout = setTimeout(() => {
      channel.off('data', onData);
      unanswered += 1;
      setTimeout(next, gapMs);
    }, 1_000);
    const onData = (chunk: Buffer) => {
      if (!chunk.includes(key)) return;
      clearTimeout(timeout);
      channel.off('data', onData);
      samples.push(performance.now() - started);
      setTimeout(next, gapMs);
    };
    channel.on('data', onData);
    channel.write(key);
  };
  next();
}

client.once('ready', () => {
  client.exec('stty raw -echo; echo READY; exec cat', { pty: { term: 'xterm', cols: 120, rows: 40 } }, (err, channel) => {
    if (err) throw err;
    let seen = '';
    const onReady = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (!seen.includes('READY')) return;
      channel.off('data', onReady);
      parentPort!.postMessage({ type: 'ready' });
    };
    channel.on('data', onReady);
    parentPort!.on('message', (message: { type: string }) => {
      if (message.type === 'type') {
        typing = true;
        typeLoop(channel);
      }
      if (message.type === 'stop') {
        typing = false;
        parentPort!.postMessage({ type: 'samples', samples, unanswered });
        channel.close();
        client.end();
      }
    });
  });
});
client.once('error', (error) => parentPort!.postMessage({ type: 'error', message: error.message }));
client.connect({ host: '127.0.0.1', port, username, privateKey: fs.readFileSync(keyPath), readyTimeout: 20_000, algorithms: { cipher: [cipher] as never } });
