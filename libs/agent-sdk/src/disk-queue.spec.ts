import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskQueue, QueuedOp } from './disk-queue';
import { QueueFullError } from './errors';
import type { OpenRequest } from './transport';

const request = (externalId: string): OpenRequest => ({ externalId, type: 'PAM', user: 'jdoe', device: '10.0.0.1', client: 'host-1', owner: 'jdoe' });
const open = (externalId: string): QueuedOp => ({ kind: 'open', request: request(externalId) });
const end = (externalId: string, sessionId?: string): QueuedOp => ({ kind: 'end', externalId, sessionId, body: { reason: 'ended' } });
const ids = (q: DiskQueue) => q.state().pending.map((i) => (i.op.kind === 'open' ? `open:${i.op.request.externalId}` : `end:${i.op.externalId}`));

describe('DiskQueue', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-queue-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps items in the order they were queued, across a restart (a new instance on the folder)', () => {
    const q = new DiskQueue(dir);
    for (let i = 0; i < 5; i++) q.enqueue(open(`s${i}`));
    q.enqueue(end('s1'));
    const again = new DiskQueue(dir);
    expect(ids(again)).toEqual(['open:s0', 'open:s1', 'open:s2', 'open:s3', 'open:s4', 'end:s1']);
  });

  it('forgets completed and dropped items, remembers opened sessions until their end completes', () => {
    const q = new DiskQueue(dir);
    const a = q.enqueue(open('a'));
    const b = q.enqueue(open('b'));
    q.complete(a, 'id-a');
    q.drop(b, 'refused: 400');
    expect(ids(q)).toEqual([]);
    expect([...q.state().sessions]).toEqual([['a', 'id-a']]);
    const e = q.enqueue(end('a', 'id-a'));
    expect([...new DiskQueue(dir).state().sessions]).toEqual([['a', 'id-a']]);
    q.complete(e);
    expect(new DiskQueue(dir).state().sessions.size).toBe(0);
  });

  it('a duplicate "done" (two processes replayed the same open after its end) does not resurrect the session', () => {
    const q = new DiskQueue(dir);
    const o = q.enqueue(open('a'));
    q.complete(o, 'id-a');
    const e = q.enqueue(end('a'));
    q.complete(e);
    q.complete(o, 'id-a');
    expect(q.state().sessions.size).toBe(0);
  });

  it('tolerates a torn tail: the half-written line is skipped and the next append starts clean', () => {
    const q = new DiskQueue(dir);
    q.enqueue(open('a'));
    q.enqueue(open('b'));
    const text = fs.readFileSync(q.file, 'utf8');
    fs.truncateSync(q.file, text.length - 15); // cut into the last record, no newline left
    const after = new DiskQueue(dir);
    expect(ids(after)).toEqual(['open:a']);
    expect(after.state().corruptLines).toBe(1);
    after.enqueue(open('c'));
    expect(ids(new DiskQueue(dir))).toEqual(['open:a', 'open:c']);
  });

  it('skips a line whose checksum does not match (a flipped byte) and garbage lines', () => {
    const q = new DiskQueue(dir);
    q.enqueue(open('a'));
    q.enqueue(open('b'));
    q.enqueue(open('c'));
    const lines = fs.readFileSync(q.file, 'utf8').split('\n');
    lines[1] = lines[1].replace('"b"', '"x"');
    fs.writeFileSync(q.file, [...lines.slice(0, -1), 'not json at all', '\u0000\u0000', ''].join('\n'));
    const state = new DiskQueue(dir).state();
    expect(state.pending.map((i) => (i.op.kind === 'open' ? i.op.request.externalId : ''))).toEqual(['a', 'c']);
    expect(state.corruptLines).toBe(3);
  });

  it('is bounded: QueueFullError names the folder and the limit; a completed item frees room', () => {
    const q = new DiskQueue(dir, { maxItems: 3 });
    const first = q.enqueue(open('a'));
    q.enqueue(open('b'));
    q.enqueue(open('c'));
    let error: unknown;
    try {
      q.enqueue(open('d'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as Error).message).toContain(dir);
    expect((error as Error).message).toContain('3 pending');
    expect(ids(q)).toEqual(['open:a', 'open:b', 'open:c']);
    q.complete(first, 'id-a');
    q.enqueue(open('d'));
    expect(ids(q)).toEqual(['open:b', 'open:c', 'open:d']);
  });

  it('compacts past its size limit without losing pending items, order or open sessions', () => {
    const q = new DiskQueue(dir, { compactBytes: 4_096 });
    const kept = Array.from({ length: 5 }, (_, i) => q.enqueue(open(`keep${i}`)));
    for (let i = 0; i < 60; i++) q.complete(q.enqueue(open(`s${i}`)), `id-s${i}`);
    for (let i = 0; i < 50; i++) q.complete(q.enqueue(end(`s${i}`, `id-s${i}`)));
    // 225 records written; compactions (each a new generation) keep only the live ones
    const lines = fs.readFileSync(q.file, 'utf8').trim().split('\n');
    expect(lines[0]).toContain('"t":"gen"');
    expect(lines.length).toBeLessThan(60);
    const after = new DiskQueue(dir).state();
    expect(after.pending.map((i) => i.id)).toEqual(kept.map((i) => i.id));
    expect([...after.sessions.keys()].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `s${50 + i}`).sort());
    expect(after.sessions.get('s57')).toBe('id-s57');
    expect(after.corruptLines).toBe(0);
    expect(fs.existsSync(`${q.file}.tmp`)).toBe(false);
  });

  it('two instances on one folder (two processes) see each other\'s appends and compactions', () => {
    const a = new DiskQueue(dir, { compactBytes: 2_048 });
    const b = new DiskQueue(dir, { compactBytes: 2_048 });
    const items = [];
    for (let i = 0; i < 30; i++) items.push((i % 2 ? a : b).enqueue(open(`s${i}`)));
    expect(ids(a)).toEqual(ids(b));
    expect(ids(b)).toHaveLength(30);
    for (const item of items.slice(0, 25)) (item.id.charCodeAt(0) % 2 ? a : b).complete(item, `id-${item.id}`);
    // several compactions happened meanwhile (new files); both still agree, nothing lost
    expect(ids(a)).toEqual(['open:s25', 'open:s26', 'open:s27', 'open:s28', 'open:s29']);
    expect(ids(b)).toEqual(ids(a));
    expect(b.state().sessions.size).toBe(25);
    b.enqueue(end('s3'));
    expect(ids(a).at(-1)).toBe('end:s3');
    expect(a.sessionIdOf('s3')).toBe(`id-${items[3].id}`);
  });

  it('stays fast with a long queue: 3,000 items, each append reads only what is new', () => {
    const q = new DiskQueue(dir, { compactBytes: 64 * 1024 });
    const started = Date.now();
    for (let i = 0; i < 3_000; i++) q.enqueue(open(`s${i}`));
    expect(q.pendingCount()).toBe(3_000);
    // generous for a loaded CI disk (3,000 fsyncs); re-reading the journal at every append took minutes
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(new DiskQueue(dir).state().pending).toHaveLength(3_000);
  }, 60_000);

  it('takes over a lock left by a dead process, and files are private', () => {
    const q = new DiskQueue(dir);
    fs.writeFileSync(path.join(dir, 'journal.ndjson.lock'), '999999999');
    q.enqueue(open('a'));
    expect(ids(q)).toEqual(['open:a']);
    expect(fs.statSync(q.file).mode & 0o077).toBe(0);
    expect(fs.statSync(dir).mode & 0o077).toBe(0);
  });

  it('takes over an empty lock file once it is older than a write takes (its writer was killed before writing its pid)', () => {
    const q = new DiskQueue(dir);
    const lock = path.join(dir, 'journal.ndjson.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 1_000);
    fs.utimesSync(lock, old, old);
    q.enqueue(open('b'));
    expect(ids(q)).toEqual(['open:b']);
  });
});
