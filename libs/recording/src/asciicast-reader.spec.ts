import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsciicastFormatError } from './asciicast-format-error';
import { iterateAsciicast, readAsciicast } from './asciicast-reader';

const HEADER = '{"version":2,"width":80,"height":24,"timestamp":1700000000}';

describe('readAsciicast / iterateAsciicast', () => {
  let dir: string;
  let file: string;
  const write = (content: string | Buffer) => writeFile(file, content);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-reader-'));
    file = join(dir, 'r.cast');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parses the header and every event, keeping unknown header keys', async () => {
    await write(
      '{"version":2,"width":100,"height":30,"idle_time_limit":2}\n' +
        '[0.5,"o","hi\\r\\n"]\n[0.75,"i","q"]\n[1,"r","90x20"]\n[1,"m","mark"]\n',
    );
    expect(await readAsciicast(file)).toEqual({
      header: { version: 2, width: 100, height: 30, idle_time_limit: 2 },
      events: [
        { time: 0.5, code: 'o', data: 'hi\r\n' },
        { time: 0.75, code: 'i', data: 'q' },
        { time: 1, code: 'r', data: '90x20' },
        { time: 1, code: 'm', data: 'mark' },
      ],
    });
  });

  it('streams entries with their line numbers, header first', async () => {
    await write(`${HEADER}\n[0.1,"o","a"]\n[0.2,"o","b"]\n`);
    const seen: Array<[string, number]> = [];
    for await (const entry of iterateAsciicast(file)) seen.push([entry.kind, entry.line]);
    expect(seen).toEqual([
      ['header', 1],
      ['event', 2],
      ['event', 3],
    ]);
  });

  it('reads lines longer than one read-stream chunk', async () => {
    const long = 'x'.repeat(200_000);
    await write(`${HEADER}\n[0,"o","${long}"]\n`);
    const { events } = await readAsciicast(file);
    expect(events[0].data).toBe(long);
  });

  it.each([
    ['broken JSON', `${HEADER}\n[0.1,"o","a"]\n[0.2,"o",\n`, 3, /not valid JSON/],
    ['a wrong version', '{"version":1,"width":80,"height":24}\n', 1, /unsupported asciicast version 1/],
    ['a header that is an array', '[2,80,24]\n', 1, /header must be a JSON object/],
    ['a missing width', '{"version":2,"height":24}\n', 1, /"width" must be a positive integer/],
    ['an env that is not all strings', '{"version":2,"width":1,"height":1,"env":{"A":1}}\n', 1, /"env"/],
    ['an event of the wrong arity', `${HEADER}\n[0.1,"o"]\n`, 2, /\[time, code, data\]/],
    ['a negative time', `${HEADER}\n[-1,"o","a"]\n`, 2, /non-negative/],
    ['time going backwards', `${HEADER}\n[2,"o","a"]\n[1,"o","b"]\n`, 3, /earlier than the previous/],
    ['an unknown event code', `${HEADER}\n[0,"x","a"]\n`, 2, /unknown event code "x"/],
    ['non-string data', `${HEADER}\n[0,"o",42]\n`, 2, /data must be a string/],
    ['a bad resize payload', `${HEADER}\n[0,"r","80 by 24"]\n`, 2, /not "COLSxROWS"/],
    ['a blank line', `${HEADER}\n\n[0,"o","a"]\n`, 2, /empty line/],
    ['an empty file', '', 1, /file is empty/],
  ])('rejects %s, naming the line', async (_name, content, line, reason) => {
    await write(content);
    const error = await readAsciicast(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AsciicastFormatError);
    expect(error).toMatchObject({ line, path: file });
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toContain(`line ${line}:`);
  });

  it('rejects invalid UTF-8, naming the line', async () => {
    await write(Buffer.concat([Buffer.from(`${HEADER}\n[0,"o","`), Buffer.from([0xc3, 0x28]), Buffer.from('"]\n')]));
    await expect(readAsciicast(file)).rejects.toThrow(/line 2: not valid UTF-8/);
  });

  it('treats a bare \\r as damage inside the line, not as a line break', async () => {
    await write(`${HEADER}\n[0,"o","a"]\r[1,"o","b"]\n[2,"o","c"]\n`);
    await expect(readAsciicast(file)).rejects.toThrow(/line 2: not valid JSON/);
  });

  it('rejects a line above maxLineBytes without reading it all into memory', async () => {
    await write(`${HEADER}\n[0,"o","${'x'.repeat(5000)}"]\n`);
    await expect(readAsciicast(file, { maxLineBytes: 1000 })).rejects.toThrow(/line 2: line is longer than 1000 bytes/);
  });

  describe('a last line cut short by a crash', () => {
    const truncated = `${HEADER}\n[0.1,"o","kept"]\n[0.2,"o","half`;

    it('is an error by default, with a hint about truncation', async () => {
      await write(truncated);
      await expect(readAsciicast(file)).rejects.toThrow(/line 3: not valid JSON.*no trailing newline/);
    });

    it('is skipped with tolerateTruncatedTail, keeping everything before it', async () => {
      await write(truncated);
      const { events } = await readAsciicast(file, { tolerateTruncatedTail: true });
      expect(events.map((e) => e.data)).toEqual(['kept']);
    });

    it('still fails with tolerateTruncatedTail when the damage is not at the tail', async () => {
      await write(`${HEADER}\n[0.1,"o",\n[0.2,"o","b"]\n`);
      await expect(readAsciicast(file, { tolerateTruncatedTail: true })).rejects.toThrow(/line 2/);
    });
  });

  it('accepts a complete last line that merely lacks its newline', async () => {
    await write(`${HEADER}\n[0.1,"o","end"]`);
    expect((await readAsciicast(file)).events).toEqual([{ time: 0.1, code: 'o', data: 'end' }]);
  });

  it('lets a consumer stop early', async () => {
    await write(`${HEADER}\n[0.1,"o","a"]\n[0.2,"o","b"]\n`);
    let count = 0;
    for await (const entry of iterateAsciicast(file)) {
      count += 1;
      if (entry.kind === 'event') break;
    }
    expect(count).toBe(2);
  });
});
