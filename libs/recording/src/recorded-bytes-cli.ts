/**
 * The exact bytes of a framed terminal recording (`.vcast`, e.g. downloaded with `?format=raw`):
 * `npm run recording:bytes -- <recording.vcast> [o|i] > output.bin` writes what the user's terminal
 * received (o, the default) or what the user typed (i), byte for byte. A frame cut short at the end
 * (a crash's torn tail, a live recording) is left out. Exit code 0 = done, 2 = usage or a damaged file.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { recordedBytes } from './framed/frame-reader';

async function main(argv: string[]): Promise<number> {
  const [file, direction = 'o'] = argv;
  if (!file || (direction !== 'o' && direction !== 'i')) {
    process.stderr.write('usage: npm run recording:bytes -- <recording.vcast> [o|i] > bytes.bin\n');
    return 2;
  }
  try {
    await pipeline(Readable.from(recordedBytes(file, direction, { tolerateTruncatedTail: true })), process.stdout);
    return 0;
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
}

void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
