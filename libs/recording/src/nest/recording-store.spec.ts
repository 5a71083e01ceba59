import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AccessLogService } from '@vigil/access-log';
import type { VigilConfig } from '@vigil/config';
import type { OffThreadAsciicastWriter } from '../threaded/off-thread-asciicast-writer';
import { RecordingStore } from './recording-store';

/** An access log in memory: entries exist once their session "ended"; a link is written once. */
class FakeAccessLog {
  readonly ended = new Set<string>();
  readonly links = new Map<string, { path: string | null; sha256: string | null; status: string }>();
  /** ends the session on the first attach attempt, after refusing it (the end raced the seal) */
  readonly endsDuringFirstAttach = new Set<string>();
  attachRecording = jest.fn(async (id: string, recordingPath: string | null, sha256: string | null, status: string) => {
    if (this.endsDuringFirstAttach.delete(id)) {
      this.ended.add(id);
      return false;
    }
    if (!this.ended.has(id) || this.links.has(id)) return false;
    this.links.set(id, { path: recordingPath, sha256, status });
    return true;
  });
  findVisible = jest.fn(async (id: string) => (this.ended.has(id) ? { id, recordingStatus: this.links.get(id)?.status ?? null } : null));
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const START = new Date('2025-03-07T10:00:00Z');

describe('RecordingStore', () => {
  let dataDir: string;
  let accessLog: FakeAccessLog;
  let store: RecordingStore;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-recording-store-'));
    accessLog = new FakeAccessLog();
    store = new RecordingStore({ dataDir } as VigilConfig, accessLog as unknown as AccessLogService);
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('names each format in the dated folder under <dataDir>/recordings, and refuses an unsafe id', () => {
    expect(store.locate('s1', START, 'asciicast')).toEqual({ relative: '2025/03/07/s1.vcast', absolute: path.join(dataDir, 'recordings', '2025/03/07/s1.vcast') });
    expect(store.locate('rdp-t1', START, 'guacamole').relative).toBe('2025/03/07/rdp-t1.guac');
    expect(() => store.locate('../etc', START, 'guacamole')).toThrow(/unsafe session id/);
  });

  it('opens a terminal recording, seals it complete with a hash of the file', async () => {
    const location = store.locate('t1', START, 'asciicast');
    const writer = await store.openTerminal(location, { cols: 80, rows: 24 });
    writer.output('hello');
    const sealed = await store.sealTerminal('t1', location, writer);
    expect(sealed).toEqual({ relativePath: location.relative, sha256: sha256(fs.readFileSync(location.absolute)), status: 'complete' });
  });

  it('seals a terminal recording that dropped bytes, or whose close failed, as incomplete, keeping what is on disk', async () => {
    const location = store.locate('t2', START, 'asciicast');
    fs.mkdirSync(path.dirname(location.absolute), { recursive: true });
    fs.writeFileSync(location.absolute, 'partial');
    const dropped = { close: jest.fn(async () => ({ sha256: 'abc', droppedBytes: 3 })) } as unknown as OffThreadAsciicastWriter;
    expect(await store.sealTerminal('t2', location, dropped)).toEqual({ relativePath: location.relative, sha256: 'abc', status: 'incomplete' });
    const failed = { close: jest.fn(async () => Promise.reject(new Error('EIO: i/o error'))) } as unknown as OffThreadAsciicastWriter;
    expect(await store.sealTerminal('t2', location, failed)).toEqual({ relativePath: location.relative, sha256: sha256('partial'), status: 'incomplete' });
    fs.rmSync(location.absolute);
    // Nothing on disk at all: no path to link.
    expect(await store.sealTerminal('t2', location, failed)).toEqual({ relativePath: null, sha256: null, status: 'incomplete' });
  });

  it('seals a desktop recording once guacd stopped writing; none at all is incomplete without a path', async () => {
    const location = store.openDesktop(store.locate('rdp-d1', START, 'guacamole'));
    expect(fs.statSync(path.dirname(location.absolute)).isDirectory()).toBe(true);
    fs.writeFileSync(location.absolute, '4.sync,1.0;');
    expect(await store.sealDesktop(location)).toEqual({ relativePath: location.relative, sha256: sha256('4.sync,1.0;'), status: 'complete' });
    const missing = store.locate('rdp-d2', START, 'guacamole');
    expect(await store.sealDesktop(missing)).toEqual({ relativePath: null, sha256: null, status: 'incomplete' });
  }, 30_000);

  it('links once the entry exists; false before; a second link changes nothing', async () => {
    const sealed = { relativePath: '2025/03/07/l1.cast', sha256: 'h', status: 'complete' as const };
    await expect(store.link('l1', sealed)).resolves.toBe(false);
    expect(accessLog.links.has('l1')).toBe(false);
    accessLog.ended.add('l1');
    await expect(store.link('l1', sealed)).resolves.toBe(true);
    await expect(store.link('l1', { ...sealed, sha256: 'forged' })).resolves.toBe(true);
    expect(accessLog.links.get('l1')).toEqual({ path: sealed.relativePath, sha256: 'h', status: 'complete' });
  });

  it('links again when the session ended between the refused link and the read', async () => {
    accessLog.endsDuringFirstAttach.add('l2');
    await expect(store.link('l2', { relativePath: 'x.cast', sha256: 'h', status: 'complete' })).resolves.toBe(true);
    expect(accessLog.attachRecording).toHaveBeenCalledTimes(2);
    expect(accessLog.links.get('l2')?.status).toBe('complete');
  });

  it('recovers a crashed terminal recording as it is on disk; a missing or non-recording file links incomplete', async () => {
    // a recording from before framed recordings (.cast), as a crash left it
    const content = '{"version":2,"width":20,"height":3,"timestamp":1700000000}\n[0.5,"o","one"]\n[1,"o","tw';
    const location = { relative: '2025/03/07/c1.cast', absolute: path.join(store.root, '2025/03/07/c1.cast') };
    fs.mkdirSync(path.dirname(location.absolute), { recursive: true });
    fs.writeFileSync(location.absolute, content);
    accessLog.ended.add('c1').add('c2').add('c3');
    const examined = await store.examineCrashed('c1', location.relative);
    expect(examined).toMatchObject({ sha256: sha256(content), lastEventSeconds: 0.5 });
    await store.linkRecovered('c1', location.relative, examined);
    expect(accessLog.links.get('c1')).toEqual({ path: location.relative, sha256: sha256(content), status: 'recovered' });

    expect(await store.examineCrashed('c2', '2025/03/07/c2.cast')).toBeNull();
    fs.writeFileSync(path.join(path.dirname(location.absolute), 'c3.cast'), 'not asciicast\n');
    const notRecording = await store.examineCrashed('c3', '2025/03/07/c3.cast');
    expect(notRecording).toBeNull();
    await store.linkRecovered('c3', '2025/03/07/c3.cast', notRecording);
    expect(accessLog.links.get('c3')).toEqual({ path: null, sha256: null, status: 'incomplete' });
    // A tampered trace cannot point outside the recordings folder.
    expect(await store.examineCrashed('c4', '../../etc/passwd')).toBeNull();
  });
});
