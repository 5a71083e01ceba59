import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as recording from '@vigil/recording';

describe('@vigil/recording public API', () => {
  it('exports the whole record → verify → replay flow through the path alias', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-index-'));
    try {
      const path = join(dir, recording.recordingFileName('s1', new Date('2025-06-01T00:00:00Z')));
      const writer = await recording.AsciicastWriter.open(path, { cols: 10, rows: 2 });
      writer.output('hi');
      const summary = await writer.close();
      expect(await recording.verifyRecording(summary.path, summary.sha256)).toBe(true);
      expect((await recording.readAsciicast(summary.path)).events).toHaveLength(1);
      expect((await recording.replayToScreen(summary.path)).screen).toBe('hi');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
