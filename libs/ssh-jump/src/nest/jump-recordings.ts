import { Injectable, Logger } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import { OffThreadAsciicastWriter, RecordingLocation, RecordingStore, SealedRecording } from '@vigil/recording';
import { JumpInstanceFolder } from '../jump-instance-folder';
import type { JumpSessionStartInfo } from '../jump-ports';
import { recordingFailureCause } from '../recording-failure';

type FailureListener = (cause: string) => void;

interface OpenRecording {
  writer: OffThreadAsciicastWriter;
  location: RecordingLocation;
  /** set once the recording can no longer be written: the cause, without the path */
  failure?: string;
  failureListeners: Set<FailureListener>;
}

/** The session could not get a recording; it must not run. `cause` is safe to show. */
export class RecordingUnavailableError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`recording could not be opened: ${reason}`, options);
    this.name = 'RecordingUnavailableError';
  }
}

/**
 * One asciicast recording per SSH session: opened before the first byte flows, fed by taps beside
 * the relay, sealed (closed and hashed) at the end and linked from the access-log entry; the file
 * itself (name, writer, hash, status, link) is @vigil/recording's RecordingStore. Encoding,
 * hashing and writing run on the recording thread (OffThreadAsciicastWriter): at relay speeds they
 * cost as much CPU as the relay itself, and must not share its event loop.
 *
 * A recording that fails mid-session is reported to onFailure listeners (the jump then applies the
 * target's strictRecording policy); what reached the disk before the failure is still sealed and
 * linked, marked incomplete. Every session is noted in this process's instance folder until its
 * recording is sealed, so that after a crash the next jump on this host can seal it
 * (JumpCrashRecovery).
 */
@Injectable()
export class JumpRecordings {
  private readonly logger = new Logger(JumpRecordings.name);
  private readonly open_ = new Map<string, OpenRecording>();
  /** seals under way (end of session and shutdown may both ask) */
  private readonly sealing = new Map<string, Promise<void>>();
  /** sealed before their access-log entry existed (shutdown closes writers while sessions end) */
  private readonly unlinked = new Map<string, SealedRecording>();
  readonly instance: JumpInstanceFolder;

  constructor(
    config: VigilConfig,
    readonly store: RecordingStore,
  ) {
    this.instance = JumpInstanceFolder.claim(config.dataDir);
  }

  /** Rejects with RecordingUnavailableError when the file cannot be created: the session must be refused. */
  async open(sessionId: string, info: JumpSessionStartInfo): Promise<void> {
    const location = this.store.locate(sessionId, new Date(), 'asciicast');
    let writer: OffThreadAsciicastWriter;
    try {
      // Noted before the file exists: from here on a crash leaves a trace the next boot follows.
      await this.instance.track(sessionId, location.relative);
      writer = await this.store.openTerminal(location, {
        cols: info.cols > 0 ? info.cols : 80,
        rows: info.rows > 0 ? info.rows : 24,
        title: `${info.user.username}+${info.target.name}${info.command ? ` ${info.command}` : ''}`,
        env: info.term ? { TERM: info.term } : undefined,
        onError: (error) => this.failed(sessionId, error),
      });
    } catch (error) {
      await this.instance.untrack(sessionId).catch(() => undefined);
      this.logger.error(`the recording of session ${sessionId} could not be opened: ${(error as Error).message}`);
      throw new RecordingUnavailableError(recordingFailureCause(error), { cause: error });
    }
    this.open_.set(sessionId, { writer, location, failureListeners: new Set() });
  }

  writer(sessionId: string): OffThreadAsciicastWriter | undefined {
    return this.open_.get(sessionId)?.writer;
  }

  /** Absolute path of a recording still being written (for playback while live). */
  livePath(sessionId: string): string | null {
    const recording = this.open_.get(sessionId);
    return recording ? recording.writer.path : null;
  }

  /**
   * `listener` is told once, with the cause, if the session's recording stops being written
   * (at once if it already has). Returns an unsubscribe.
   */
  onFailure(sessionId: string, listener: FailureListener): () => void {
    const recording = this.open_.get(sessionId);
    if (!recording) return () => undefined;
    if (recording.failure !== undefined) {
      const cause = recording.failure;
      queueMicrotask(() => listener(cause));
      return () => undefined;
    }
    recording.failureListeners.add(listener);
    return () => recording.failureListeners.delete(listener);
  }

  /**
   * Closes, hashes and links the recording to the session's access-log entry. Idempotent; a call
   * while another runs tries the link again after it (the session may have ended meanwhile).
   */
  seal(sessionId: string): Promise<void> {
    const next = (this.sealing.get(sessionId) ?? Promise.resolve()).then(() => this.sealAndLink(sessionId));
    this.sealing.set(sessionId, next);
    void next.finally(() => {
      if (this.sealing.get(sessionId) === next) this.sealing.delete(sessionId);
    });
    return next;
  }

  /** Shutdown: seals everything, then gives up this process's instance folder. */
  async sealAll(): Promise<void> {
    await Promise.all([...new Set([...this.open_.keys(), ...this.sealing.keys(), ...this.unlinked.keys()])].map((id) => this.seal(id)));
    await this.instance.release().catch((error: Error) => this.logger.warn(`releasing the jump's instance folder failed: ${error.message}`));
  }

  private failed(sessionId: string, error: Error): void {
    const recording = this.open_.get(sessionId);
    if (!recording || recording.failure !== undefined) return;
    recording.failure = recordingFailureCause(error);
    this.logger.error(`recording of session ${sessionId} failed: ${error.message}`);
    for (const listener of recording.failureListeners) {
      try {
        listener(recording.failure);
      } catch (listenerError) {
        this.logger.error(`a recording-failure listener threw: ${(listenerError as Error).message}`);
      }
    }
    recording.failureListeners.clear();
  }

  private async sealAndLink(sessionId: string): Promise<void> {
    const recording = this.open_.get(sessionId);
    if (recording) {
      this.open_.delete(sessionId);
      this.unlinked.set(sessionId, await this.store.sealTerminal(sessionId, recording.location, recording.writer));
    }
    const sealed = this.unlinked.get(sessionId);
    if (!sealed) return;
    try {
      // No entry yet: the session is still ending, and its end seals again.
      if (!(await this.store.link(sessionId, sealed))) return;
      this.unlinked.delete(sessionId);
      await this.instance.untrack(sessionId);
    } catch (error) {
      // The trace stays in the instance folder: the next boot links it.
      this.logger.error(`linking the recording of session ${sessionId} failed: ${(error as Error).message}`);
    }
  }
}
