import * as fs from 'node:fs';
import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessLogService } from '@vigil/access-log';
import { CurrentUser, UserAuthGuard, UserPrincipal, seesAllSessions } from '@vigil/auth';
import { resolveRecordingPath, verifyRecording } from '@vigil/recording';
import { SessionDirectory } from '@vigil/sessions';
import { JumpRecordings } from './jump-recordings';

const scopeOf = (user: UserPrincipal) => (seesAllSessions(user) ? null : user.username);
const ASCIICAST = 'application/x-asciicast';

/** Playback: the sealed recording of an ended session, or the recording so far of a live one. */
@ApiTags('recordings')
@ApiBearerAuth()
@Controller('api')
@UseGuards(UserAuthGuard)
export class RecordingsController {
  constructor(
    private readonly accessLog: AccessLogService,
    private readonly directory: SessionDirectory,
    private readonly recordings: JumpRecordings,
  ) {}

  @Get('access-logs/:id/recording')
  async ended(@CurrentUser() user: UserPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response): Promise<void> {
    const file = await this.sealedFile(user, id);
    stream(res, file.path, `${id}.cast`, file.sha256);
  }

  /** Recomputes the SHA-256 stored when the recording was sealed: `{ok, sha256}`. */
  @Get('access-logs/:id/recording/verify')
  async verify(@CurrentUser() user: UserPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    const file = await this.sealedFile(user, id);
    return { ok: file.sha256 !== null && (await verifyRecording(file.path, file.sha256)), sha256: file.sha256 };
  }

  /** DVR: what has been recorded so far of a live session (complete lines up to the last flush). */
  @Get('sessions/:id/recording')
  async live(@CurrentUser() user: UserPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Res() res: Response): Promise<void> {
    const session = await this.directory.findVisible(id, scopeOf(user));
    const file = session ? this.recordings.livePath(id) : null;
    if (!file) throw new NotFoundException(`no live recording for session ${id}`);
    stream(res, file, `${id}.cast`, null);
  }

  private async sealedFile(user: UserPrincipal, id: string): Promise<{ path: string; sha256: string | null }> {
    const recording = await this.accessLog.recordingOf(id, scopeOf(user));
    if (!recording) throw new NotFoundException(`no recording for access-log entry ${id}`);
    const path = resolveRecordingPath(this.recordings.root, recording.path);
    if (!fs.existsSync(path)) throw new NotFoundException(`recording file of ${id} is missing`);
    return { path, sha256: recording.sha256 };
  }
}

function stream(res: Response, file: string, name: string, sha256: string | null): void {
  res.setHeader('Content-Type', ASCIICAST);
  res.setHeader('Content-Disposition', `inline; filename="${name}"`);
  res.setHeader('Cache-Control', 'no-store');
  if (sha256) res.setHeader('X-Vigil-Recording-SHA256', sha256);
  fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
