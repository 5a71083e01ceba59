import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AccessLogService } from '@vigil/access-log';
import type { RecordingFormat, RecordingStatus } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { type CrashedRecording, examineCrashedRecording } from '../crashed-recording';
import { waitForQuietFile } from '../quiet-file';
import { recordingFileName, resolveRecordingPath } from '../recording-file-name';
import { OffThreadAsciicastWriter, type OffThreadWriterOptions } from '../threaded/off-thread-asciicast-writer';
import { sha256OfFile } from '../verify-recording';

/** Where a session's recording is written: the stored (relative) path and the file on disk. */
export interface RecordingLocation {
  relative: string;
  absolute: string;
}

/** What a seal links to the access-log entry. */
export interface SealedRecording {
  relativePath: string | null;
  sha256: string | null;
  status: RecordingStatus;
}

/**
 * The one owner of recording files, whatever their format: it names them (dated folders under
 * `<dataDir>/recordings`), opens the asciicast writer of a terminal session or hands guacd the
 * path of a desktop one, seals them (closed, SHA-256, status complete/incomplete/recovered) and
 * links them to the session's access-log entry. The protocol libs (the SSH jump, the RDP tunnel)
 * only say when; this lib imports none of them.
 */
@Injectable()
export class RecordingStore {
  private readonly logger = new Logger(RecordingStore.name);
  readonly root: string;

  constructor(
    config: VigilConfig,
    private readonly accessLog: AccessLogService,
  ) {
    this.root = path.join(config.dataDir, 'recordings');
  }

  /** The location of the recording of `sessionId` started at `startDate`. Throws on an unsafe id. */
  locate(sessionId: string, startDate: Date, format: RecordingFormat): RecordingLocation {
    const relative = recordingFileName(sessionId, startDate, format);
    return { relative, absolute: resolveRecordingPath(this.root, relative) };
  }

  /** A terminal session: opens its asciicast file (rejects when it cannot be created). */
  openTerminal(location: RecordingLocation, options: OffThreadWriterOptions): Promise<OffThreadAsciicastWriter> {
    return OffThreadAsciicastWriter.open(location.absolute, options);
  }

  /**
   * A desktop session: guacd writes the file itself (another process, given `recording-path` and
   * `-name`); its dated folder is made here, since guacd's create-recording-path makes one level only.
   */
  openDesktop(location: RecordingLocation): RecordingLocation {
    fs.mkdirSync(path.dirname(location.absolute), { recursive: true });
    return location;
  }

  /**
   * Closes and hashes a terminal recording. Bytes dropped because the disk fell behind are marked
   * in the file, and the status says so too; after a write failure what reached the disk is kept
   * and hashed as it is: incomplete, but evidence.
   */
  async sealTerminal(sessionId: string, location: RecordingLocation, writer: OffThreadAsciicastWriter): Promise<SealedRecording> {
    try {
      const { sha256, droppedBytes } = await writer.close();
      return { relativePath: location.relative, sha256, status: droppedBytes > 0 ? 'incomplete' : 'complete' };
    } catch (error) {
      this.logger.error(`sealing the recording of session ${sessionId} failed: ${(error as Error).message}`);
      const sha256 = await sha256OfFile(location.absolute).catch(() => null);
      return { relativePath: sha256 === null ? null : location.relative, sha256, status: 'incomplete' };
    }
  }

  /**
   * A desktop recording guacd wrote (another process): waits until it stops writing, then hashes
   * it. No file at all is an incomplete recording without a path.
   */
  async sealDesktop(location: RecordingLocation): Promise<SealedRecording> {
    if (!(await waitForQuietFile(location.absolute))) return { relativePath: null, sha256: null, status: 'incomplete' };
    return { relativePath: location.relative, sha256: await sha256OfFile(location.absolute), status: 'complete' };
  }

  /**
   * Links a sealed recording to the session's access-log entry. Resolves false when the entry does
   * not exist yet (the session is still ending: link again at its end); true once linked, by this
   * call or an earlier one. Rejects on a database error.
   */
  async link(sessionId: string, sealed: SealedRecording): Promise<boolean> {
    const link = () => this.accessLog.attachRecording(sessionId, sealed.relativePath, sealed.sha256, sealed.status);
    if (await link()) return true;
    const entry = await this.accessLog.findVisible(sessionId, null);
    if (!entry) return false;
    // It ended between the two reads; otherwise another seal linked it already.
    if (entry.recordingStatus === null) await link();
    return true;
  }

  /**
   * A terminal recording a crashed process never closed, examined without changing a byte; null
   * when it is missing (the crash came before the file was created) or not a recording.
   */
  async examineCrashed(sessionId: string, relativePath: string): Promise<CrashedRecording | null> {
    try {
      return await examineCrashedRecording(resolveRecordingPath(this.root, relativePath));
    } catch (error) {
      this.logger.warn(`the recording of session ${sessionId} cannot be recovered: ${(error as Error).message}`);
      return null;
    }
  }

  /** Links what a crash left: `recovered` with the hash of the file as it is, or incomplete when there is none. */
  async linkRecovered(sessionId: string, relativePath: string | null, recording: CrashedRecording | null): Promise<void> {
    if (recording) await this.accessLog.attachRecording(sessionId, relativePath, recording.sha256, 'recovered');
    else await this.accessLog.attachRecording(sessionId, null, null, 'incomplete');
  }
}
