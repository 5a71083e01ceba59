import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QueueFullError } from './errors';
import { FileLock } from './file-lock';
import type { EndBody, OpenRequest } from './transport';

/** What waits in the queue: opens and ends (heartbeats are not worth keeping; the next one comes). */
export type QueuedOp =
  | { kind: 'open'; request: OpenRequest }
  /** sessionId is absent when the end was queued while the open itself was still queued. */
  | { kind: 'end'; externalId: string; sessionId?: string; body: EndBody };

export interface QueueItem {
  id: string;
  /** ms since the epoch, when it was queued */
  at: number;
  op: QueuedOp;
}

export interface QueueState {
  /** in the order they were queued */
  pending: QueueItem[];
  /** externalId → session id, for sessions opened and not yet ended */
  sessions: Map<string, string>;
  /** lines skipped because they failed their checksum or did not parse (e.g. a torn last write) */
  corruptLines: number;
}

export interface DiskQueueOptions {
  /** pending items at most; enqueue beyond it throws QueueFullError. Default 10,000. */
  maxItems?: number;
  /** the journal is rewritten with only live records once it grows past this. Default 1 MiB. */
  compactBytes?: number;
  /** how long to wait for another process's lock. Default 2 s. */
  lockWaitMs?: number;
  now?: () => number;
}

type JournalRecord =
  | { t: 'op'; id: string; at: number; op: QueuedOp }
  /** the op went through; for an open, the session it created */
  | { t: 'done'; id: string; externalId: string; sessionId?: string }
  /** the gateway refused it for good */
  | { t: 'drop'; id: string; reason: string }
  /** a session known open (written by compaction, which forgets the op records) */
  | { t: 'map'; externalId: string; sessionId: string }
  /** a session to stop tracking (ended elsewhere, or unknown to the gateway) */
  | { t: 'gone'; externalId: string }
  /** first line of a compacted journal: makes every generation's first bytes unique */
  | { t: 'gen'; id: string };

const JOURNAL = 'journal.ndjson';

/**
 * The agent's durable queue: one append-only journal file in the queue folder, one JSON record a
 * line, each prefixed with a checksum and fsync'd before the call returns. Reading replays the
 * journal; a line that fails its checksum (a torn write when the machine lost power, a truncated
 * tail) is skipped and counted, never fatal. Compaction rewrites the live records to a new file
 * and renames it over the old one (atomic), so a crash leaves either file whole.
 *
 * Several processes may share a folder; every read-modify-write holds a lock file for the few
 * microseconds it lasts. Everything here is synchronous on purpose: it is small local I/O, and a
 * synchronous append cannot be interleaved by the caller's own concurrency.
 */
export class DiskQueue {
  readonly file: string;
  readonly maxItems: number;
  private readonly compactBytes: number;
  private readonly lock: FileLock;
  private readonly now: () => number;
  private journal?: Journal;
  private compactedSize = 0;

  constructor(
    readonly dir: string,
    options: DiskQueueOptions = {},
  ) {
    this.maxItems = options.maxItems ?? 10_000;
    this.compactBytes = options.compactBytes ?? 1024 * 1024;
    this.now = options.now ?? Date.now;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, JOURNAL);
    this.lock = new FileLock(path.join(dir, `${JOURNAL}.lock`), options.lockWaitMs ?? 2_000);
  }

  /** Persists an op (fsync'd) and returns it; throws QueueFullError when maxItems are pending. */
  enqueue(op: QueuedOp): QueueItem {
    return this.lock.run(() => {
      if (this.refresh().pending.size >= this.maxItems) throw new QueueFullError(this.dir, this.maxItems);
      const item: QueueItem = { id: randomUUID(), at: this.now(), op };
      this.append([{ t: 'op', ...item }]);
      return item;
    });
  }

  state(): QueueState {
    return this.lock.run(() => this.readState());
  }

  /** The op went through; for an open, `sessionId` is the session it created. */
  complete(item: QueueItem, sessionId?: string): void {
    const externalId = item.op.kind === 'open' ? item.op.request.externalId : item.op.externalId;
    this.write([{ t: 'done', id: item.id, externalId, sessionId }]);
  }

  drop(item: QueueItem, reason: string): void {
    this.write([{ t: 'drop', id: item.id, reason: reason.slice(0, 500) }]);
  }

  /** Stop tracking a session (the gateway no longer knows it). */
  forget(externalId: string): void {
    this.write([{ t: 'gone', externalId }]);
  }

  /** Rewrites the journal with only pending ops and open sessions. */
  compact(): void {
    this.lock.run(() => this.compactLocked());
  }

  private write(records: JournalRecord[]): void {
    this.lock.run(() => {
      const size = this.append(records);
      // Twice the live size at least: a long queue of pending items is not rewritten at every append.
      if (size > Math.max(this.compactBytes, 2 * this.compactedSize)) this.compactLocked();
    });
  }

  private compactLocked(): void {
    const state = this.readState();
    const records: JournalRecord[] = [
      { t: 'gen', id: randomUUID() },
      ...[...state.sessions].map(([externalId, sessionId]): JournalRecord => ({ t: 'map', externalId, sessionId })),
      ...state.pending.map((item): JournalRecord => ({ t: 'op', ...item })),
    ];
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, records.map(encode).join(''), { mode: 0o600 });
    fsyncPath(tmp);
    fs.renameSync(tmp, this.file);
    fsyncPath(this.dir);
    this.compactedSize = fs.statSync(this.file).size;
  }

  /** Appends whole lines and fsyncs; returns the journal's size afterwards. */
  private append(records: JournalRecord[]): number {
    const created = !fs.existsSync(this.file);
    const fd = fs.openSync(this.file, 'a+', 0o600);
    try {
      let size = fs.fstatSync(fd).size;
      let text = records.map(encode).join('');
      if (size > 0) {
        // A torn last write left no newline: end that line so ours starts clean.
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) text = `\n${text}`;
      }
      const bytes = Buffer.from(text);
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
      size += bytes.length;
      return size;
    } finally {
      fs.closeSync(fd);
      if (created) fsyncPath(this.dir);
    }
  }

  private readState(): QueueState {
    const journal = this.refresh();
    return { pending: [...journal.pending.values()], sessions: new Map(journal.sessions), corruptLines: journal.corruptLines + journal.tornTail };
  }

  /** pending items, without copying them (enqueue's bound check) */
  pendingCount(): number {
    return this.lock.run(() => this.refresh().pending.size);
  }

  /** the session id of an open session, without copying the state */
  sessionIdOf(externalId: string): string | undefined {
    return this.lock.run(() => this.refresh().sessions.get(externalId));
  }

  /**
   * Brings the in-memory replay of the journal up to date by reading only what was appended since
   * the last call (another process may have appended too); a compaction (new inode) or a shorter
   * file means a full replay. Keeps a full queue cheap: no call re-reads 10,000 items.
   */
  private refresh(): Journal {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return (this.journal = emptyJournal(-1));
    }
    const fd = fs.openSync(this.file, 'r');
    try {
      // The file's first bytes tell a compacted file from the one we read before, even should the
      // new file reuse the old inode number (each compaction starts with a unique "gen" record).
      const head = Buffer.alloc(Math.min(HEAD_BYTES, stat.size));
      fs.readSync(fd, head, 0, head.length, 0);
      let journal = this.journal;
      if (!journal || journal.ino !== stat.ino || stat.size < journal.offset || !head.subarray(0, journal.head.length).equals(journal.head)) {
        journal = emptyJournal(stat.ino);
      }
      if (journal.head.length < HEAD_BYTES) journal.head = head;
      if (stat.size > journal.offset) {
        let bytes: Buffer;
        bytes = Buffer.alloc(stat.size - journal.offset);
        let read = 0;
        while (read < bytes.length) {
          const n = fs.readSync(fd, bytes, read, bytes.length - read, journal.offset + read);
          if (n === 0) break;
          read += n;
        }
        bytes = bytes.subarray(0, read);
        // Only whole lines are consumed; a torn tail (no newline) is counted, and read again once
        // the next append has ended it with a newline.
        const lastNewline = bytes.lastIndexOf(0x0a);
        const whole = lastNewline < 0 ? Buffer.alloc(0) : bytes.subarray(0, lastNewline + 1);
        for (const line of whole.toString('utf8').split('\n')) if (line !== '') apply(journal, line);
        journal.offset += whole.length;
        journal.tornTail = bytes.length > whole.length ? 1 : 0;
      }
      this.journal = journal;
      return journal;
    } finally {
      fs.closeSync(fd);
    }
  }
}

const HEAD_BYTES = 64;

interface Journal {
  ino: number;
  head: Buffer;
  offset: number;
  pending: Map<string, QueueItem>;
  sessions: Map<string, string>;
  corruptLines: number;
  tornTail: number;
}

function emptyJournal(ino: number): Journal {
  return { ino, head: Buffer.alloc(0), offset: 0, pending: new Map(), sessions: new Map(), corruptLines: 0, tornTail: 0 };
}

function apply(journal: Journal, line: string): void {
  const record = decode(line);
  if (!record) {
    journal.corruptLines++;
    return;
  }
  const { pending, sessions } = journal;
  switch (record.t) {
    case 'op':
      pending.set(record.id, { id: record.id, at: record.at, op: record.op });
      break;
    case 'done': {
      const item = pending.get(record.id);
      pending.delete(record.id);
      // Only the record's own op says what it did; a duplicate "done" (two processes replayed
      // the same op) finds nothing and changes nothing.
      if (item?.op.kind === 'open' && record.sessionId) sessions.set(record.externalId, record.sessionId);
      if (item?.op.kind === 'end') sessions.delete(record.externalId);
      break;
    }
    case 'drop':
      pending.delete(record.id);
      break;
    case 'map':
      sessions.set(record.externalId, record.sessionId);
      break;
    case 'gone':
      sessions.delete(record.externalId);
      break;
  }
}

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 12);
}

function encode(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${checksum(json)} ${json}\n`;
}

function decode(line: string): JournalRecord | undefined {
  const space = line.indexOf(' ');
  if (space !== 12) return undefined;
  const json = line.slice(13);
  if (checksum(json) !== line.slice(0, 12)) return undefined;
  try {
    const record = JSON.parse(json) as JournalRecord;
    return typeof record === 'object' && record !== null && typeof record.t === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

function fsyncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
