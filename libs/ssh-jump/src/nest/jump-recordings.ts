import * as path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AccessLogService } from '@vigil/access-log';
import { VigilConfig } from '@vigil/config';
import { OffThreadAsciicastWriter, recordingFileName, resolveRecordingPath } from '@vigil/recording';
import type { JumpSessionStartInfo } from '../jump-ports';

interface OpenRecording {
  writer: OffThreadAsciicastWriter;
  relativePath: string;
}

/**
 * One asciicast recording per SSH session: opened before the first byte flows, fed by taps beside
 * the relay, sealed (closed and hashed) at the end and linked from the access-log entry. Encoding,
 * hashing and writing run on the recording thread (OffThreadAsciicastWriter): at relay speeds they
 * cost as much CPU as the relay itself, and must not share its event loop.
 */
@Injectable()
export class JumpRecordings {
  private readonly logger = new Logger(JumpRecordings.name);
  private readonly open_ = new Map<string, OpenRecording>();
  readonly root: string;

  constructor(
    config: VigilConfig,
    private readonly accessLog: AccessLogService,
  ) {
    this.root = path.join(config.dataDir, 'recordings');
  }

  async open(sessionId: string, info: JumpSessionStartInfo): Promise<void> {
    const relativePath = recordingFileName(sessionId, new Date());
    const writer = await OffThreadAsciicastWriter.open(resolveRecordingPath(this.root, relativePath), {
      cols: info.cols > 0 ? info.cols : 80,
      rows: info.rows > 0 ? info.rows : 24,
      title: `${info.user.username}+${info.target.name}${info.command ? ` ${info.command}` : ''}`,
      env: info.term ? { TERM: info.term } : undefined,
      onError: (error) => this.logger.error(`recording of session ${sessionId} failed: ${error.message}`),
    });
    this.open_.set(sessionId, { writer, relativePath });
  }

  writer(sessionId: string): OffThreadAsciicastWriter | undefined {
    return this.open_.get(sessionId)?.writer;
  }

  /** Absolute path of a recording still being written (for playback while live). */
  livePath(sessionId: string): string | null {
    const recording = this.open_.get(sessionId);
    return recording ? recording.writer.path : null;
  }

  /** Closes, hashes and links the recording to the session's access-log entry. */
  async seal(sessionId: string): Promise<void> {
    const recording = this.open_.get(sessionId);
    if (!recording) return;
    this.open_.delete(sessionId);
    try {
      const { sha256 } = await recording.writer.close();
      await this.accessLog.attachRecording(sessionId, recording.relativePath, sha256);
    } catch (error) {
      this.logger.error(`sealing the recording of session ${sessionId} failed: ${(error as Error).message}`);
    }
  }

  async sealAll(): Promise<void> {
    await Promise.all([...this.open_.keys()].map((id) => this.seal(id)));
  }
}
