import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AccessLogService } from '@vigil/access-log';
import type { VigilConfig } from '@vigil/config';
import { RecordingStore, verifyRecording } from '@vigil/recording';
import type { JumpSessionStartInfo } from '../jump-ports';
import { JumpRecordings, RecordingUnavailableError } from './jump-recordings';

/** An access log in memory: entries exist once their session "ended"; a link is written once. */
class FakeAccessLog {
  readonly ended = new Set<string>();
  readonly links = new Map<string, { path: string | null; sha256: string | null; status: string }>();
  attachRecording = jest.fn(async (id: string, path: string | null, sha256: string | null, status: string) => {
    if (!this.ended.has(id) || this.links.has(id)) return false;
    this.links.set(id, { path, sha256, status });
    return true;
  });
  findVisible = jest.fn(async (id: string) => (this.ended.has(id) ? { id, recordingStatus: this.links.get(id)?.status ?? null } : null));
}

const info = { user: { id: 'u1', username: 'alice' }, target: { name: 'box' }, cols: 80, rows: 24, term: 'xterm', pty: true, kind: 'shell' } as unknown as JumpSessionStartInfo;

/** Uses the real recording thread (from dist/, like the writer's own spec). */
describe('JumpRecordings', () => {
  let dataDir: string;
  let accessLog: FakeAccessLog;
  let recordings: JumpRecordings;
  const traces = () => fs.readdirSync(recordings.instance.dir).filter((name) => name.endsWith('.session'));

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-jump-recordings-'));
    accessLog = new FakeAccessLog();
    const config = { dataDir } as VigilConfig;
    recordings = new JumpRecordings(config, new RecordingStore(config, accessLog as unknown as AccessLogService));
  });
  afterEach(async () => {
    await recordings.instance.release();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('traces a session until its recording is sealed and linked, complete, with a hash that verifies', async () => {
    await recordings.open('s-1', info);
    expect(traces()).toEqual(['s-1.session']);
    recordings.writer('s-1')!.output('hello');
    accessLog.ended.add('s-1');
    await recordings.seal('s-1');
    const link = accessLog.links.get('s-1')!;
    expect(link.status).toBe('complete');
    await expect(verifyRecording(path.join(dataDir, 'recordings', link.path!), link.sha256!)).resolves.toBe(true);
    expect(traces()).toEqual([]);
    await recordings.seal('s-1'); // again: nothing more
    expect(accessLog.attachRecording).toHaveBeenCalledTimes(1);
  });

  it('sealed before its session ended (shutdown): keeps the trace, and links when the end seals again', async () => {
    await recordings.open('s-2', info);
    await recordings.seal('s-2'); // the entry does not exist yet
    expect(accessLog.links.has('s-2')).toBe(false);
    expect(traces()).toEqual(['s-2.session']);
    accessLog.ended.add('s-2');
    await recordings.seal('s-2');
    expect(accessLog.links.get('s-2')?.status).toBe('complete');
    expect(traces()).toEqual([]);
  });

  it('refuses with the cause (never the path) when the file cannot be created, and leaves no trace', async () => {
    fs.writeFileSync(path.join(dataDir, 'recordings'), 'a file where the folder should be');
    const failure = recordings.open('s-3', info);
    await expect(failure).rejects.toThrow(RecordingUnavailableError);
    await expect(failure).rejects.toMatchObject({ reason: 'not a directory (ENOTDIR)' });
    expect(traces()).toEqual([]);
    expect(recordings.writer('s-3')).toBeUndefined();
  });

  it('onFailure on a session without a recording is a no-op', () => {
    const listener = jest.fn();
    recordings.onFailure('nope', listener)();
    expect(listener).not.toHaveBeenCalled();
  });
});
