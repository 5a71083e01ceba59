import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequestException, Controller, ForbiddenException, Get, Logger, NotFoundException, Param, ParseUUIDPipe, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { AccessLogService } from '@vigil/access-log';
import { CurrentUser, UserAuthGuard, UserPrincipal, actorOf, auditedBy, seesAllSessions } from '@vigil/auth';
import { Clock, type HttpReply, type HttpRequest, takeOverResponse } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { AuditOutbox } from '@vigil/database';
import { SessionDirectory } from '@vigil/sessions';
import { LiveHub, SESSION_NOT_FOUND, shadowVerdict } from '@vigil/shadowing';
import { asciicastTextOf } from '../framed/framed-to-asciicast';
import { FRAMED_RECORDING_CONTENT_TYPE, RECORDING_CONTENT_TYPES, servedRecording, type ServedRecording } from '../recording-format';
import { resolveRecordingPath } from '../recording-file-name';
import { verifyRecording } from '../verify-recording';
import { RecordingRead, RecordingViewThrottle } from './recording-view-throttle';

const scopeOf = (user: UserPrincipal) => (seesAllSessions(user) ? null : user.username);
const FORMATS_SERVED = Object.values(RECORDING_CONTENT_TYPES).join(', ');
const PRODUCES = [...Object.values(RECORDING_CONTENT_TYPES), FRAMED_RECORDING_CONTENT_TYPE];
const logger = new Logger('RecordingsController');

/** `?format=raw`: the stored bytes of a framed terminal recording instead of the asciicast it converts to. */
function wantsRaw(format: string | undefined): boolean {
  if (format === undefined || format === '' || format === 'asciicast') return false;
  if (format === 'raw') return true;
  throw new BadRequestException('format must be raw or asciicast');
}
const FORMAT_QUERY = {
  name: 'format',
  required: false,
  enum: ['asciicast', 'raw'],
  description: `raw: a terminal recording's stored bytes (\`${FRAMED_RECORDING_CONTENT_TYPE}\`, file \`<id>.vcast\`: the exact bytes, what the SHA-256 seals) instead of asciicast v2 converted on read; other recordings are served as stored either way`,
};

/**
 * Playback: the sealed recording of an ended session, or the recording so far of a live one, in
 * the format its player reads (asciicast for terminals, guacd's Guacamole dump for RDP/VNC: the
 * stored file's extension says which, see servedRecording). A framed terminal recording (`.vcast`)
 * is converted to asciicast v2 as it streams (bounded memory); `?format=raw` gives its stored bytes.
 *
 * Reading a recording is watching the session: the rule is /live attach's in view mode
 * (`shadowVerdict`, one rule for both), for a live session and for an ended one alike: its owner,
 * or an admin or auditor holding `shadow`; anyone else is told it does not exist. Each viewing is
 * audited (`recording.view`; a sealed recording fetched with `?download=true`: `recording.download`)
 * before the first byte, and the user of a live session is told, as when attached.
 * Verifying a recording's hash reads no content: whoever sees the entry may.
 */
@ApiTags('recordings')
@ApiBearerAuth()
@Controller('api')
@UseGuards(UserAuthGuard)
export class RecordingsController {
  private readonly views: RecordingViewThrottle;

  /** where sealed recordings live, whoever wrote them (the jump, guacd); stored paths are relative to it */
  private readonly root: string;

  constructor(
    private readonly accessLog: AccessLogService,
    private readonly directory: SessionDirectory,
    private readonly hub: LiveHub,
    private readonly outbox: AuditOutbox,
    config: VigilConfig,
    clock: Clock,
  ) {
    this.root = path.join(config.dataDir, 'recordings');
    this.views = new RecordingViewThrottle(() => clock.now());
  }

  @Get('access-logs/:id/recording')
  @ApiOperation({ summary: "an ended session's sealed recording (owner, or admin/auditor with shadow); audited (recording.view, or recording.download)" })
  @ApiProduces(...PRODUCES)
  @ApiQuery({ name: 'download', required: false, enum: ['true', 'false'], description: 'true: served as an attachment (a file to keep), audited as `recording.download`' })
  @ApiQuery(FORMAT_QUERY)
  @ApiOkResponse({
    description: `asciicast v2 (\`${RECORDING_CONTENT_TYPES.asciicast}\`, file \`<id>.cast\`) or guacd's Guacamole recording (\`${RECORDING_CONTENT_TYPES.guacamole}\`, file \`<id>.guac\`), as the entry's \`recordingFormat\` says; with \`format=raw\` a terminal recording's stored bytes; header \`X-Vigil-Recording-SHA256\` (of the stored bytes), \`X-Vigil-Recording-Status\``,
  })
  @ApiForbiddenResponse({ description: "another owner's session without the shadow privilege" })
  @ApiNotFoundResponse({ description: 'no such entry visible to the caller, or no recording' })
  async ended(
    @CurrentUser() user: UserPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('download') download: string | undefined,
    @Query('format') format: string | undefined,
    @Req() req: HttpRequest,
    @Res() res: HttpReply,
  ): Promise<void> {
    const raw = wantsRaw(format);
    const entry = await this.accessLog.findVisible(id, scopeOf(user));
    if (!entry) throw new NotFoundException(`no recording for access-log entry ${id}`);
    this.allowWatching(user, entry.owner, id);
    const file = await this.sealedFile(user, id);
    const read: RecordingRead = download === 'true' || download === '1' ? 'download' : 'sealed';
    await this.viewed(user, id, read, req);
    await stream(res, file.path, servedRecording(id, file.path, raw), file.sha256, entry.recordingStatus, read === 'download' ? 'attachment' : 'inline');
  }

  /** Recomputes the SHA-256 stored when the recording was sealed: `{ok, sha256, status}`. */
  @Get('access-logs/:id/recording/verify')
  @ApiOperation({ summary: "checks a sealed recording's SHA-256 (whoever sees the entry; no content)" })
  async verify(@CurrentUser() user: UserPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    const file = await this.sealedFile(user, id);
    return { ok: file.sha256 !== null && (await verifyRecording(file.path, file.sha256)), sha256: file.sha256 };
  }

  /**
   * DVR: what has been recorded so far of a live session: an asciicast up to the last flush, or the
   * instructions guacd has written so far (a player reads the complete ones and ignores a cut last one).
   */
  @Get('sessions/:id/recording')
  @ApiOperation({ summary: "a live session's recording so far (owner, or admin/auditor with shadow); audited, told to the user" })
  @ApiProduces(...PRODUCES)
  @ApiQuery(FORMAT_QUERY)
  @ApiOkResponse({ description: `the recording so far, in its format (${FORMATS_SERVED}); with \`format=raw\` a terminal recording's stored bytes so far` })
  @ApiForbiddenResponse({ description: "another owner's session without the shadow privilege" })
  @ApiNotFoundResponse({ description: 'no such live session visible to the caller, or not recorded here' })
  async live(
    @CurrentUser() user: UserPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('format') format: string | undefined,
    @Req() req: HttpRequest,
    @Res() res: HttpReply,
  ): Promise<void> {
    const raw = wantsRaw(format);
    const session = await this.directory.findVisible(id, scopeOf(user));
    if (!session) throw new NotFoundException(`no live recording for session ${id}`);
    this.allowWatching(user, session.owner, id);
    // Whoever carries the session here (the jump, the RDP tunnel) said where it is being recorded;
    // guacd creates its file only once the connection is up.
    const file = this.hub.get(id)?.info.recordingFile;
    if (!file || !fs.existsSync(file)) throw new NotFoundException(`no live recording for session ${id}`);
    await this.viewed(user, id, 'live', req);
    await stream(res, file, servedRecording(id, file, raw), null, null, 'inline');
  }

  /** /live attach's rule in view mode; sessions the caller may not see do not exist. */
  private allowWatching(user: UserPrincipal, owner: string, id: string): void {
    const verdict = shadowVerdict(user, owner, 'view');
    if (verdict.ok) return;
    if (verdict.error === SESSION_NOT_FOUND) throw new NotFoundException(`no recording for session ${id}`);
    throw new ForbiddenException(verdict.error);
  }

  /**
   * The audit record is committed before the first byte: a read that cannot be audited is refused
   * (the outbox throws, and the caller gets a 5xx). A live session's user is told, as when a
   * viewer attaches. Repeated reads within a window are one viewing (RecordingViewThrottle).
   */
  private async viewed(user: UserPrincipal, sessionId: string, read: RecordingRead, req: HttpRequest): Promise<void> {
    if (!this.views.firstInWindow(user.username, sessionId, read)) return;
    const live = read === 'live';
    try {
      await this.outbox.append({
        action: read === 'download' ? 'recording.download' : 'recording.view',
        ...auditedBy(actorOf(user, req)),
        sessionId,
        requestParameters: { sessionId, live },
      });
    } catch (error) {
      this.views.forget(user.username, sessionId, read);
      throw error;
    }
    const session = live ? this.hub.get(sessionId) : undefined;
    if (session && session.info.announceWatching && session.info.user !== user.username) {
      session.source.notifyUser(`${user.username} is watching this session's recording (rewind)`);
    }
  }

  private async sealedFile(user: UserPrincipal, id: string): Promise<{ path: string; sha256: string | null }> {
    const recording = await this.accessLog.recordingOf(id, scopeOf(user));
    if (!recording) throw new NotFoundException(`no recording for access-log entry ${id}`);
    const file = resolveRecordingPath(this.root, recording.path);
    if (!fs.existsSync(file)) throw new NotFoundException(`recording file of ${id} is missing`);
    return { path: file, sha256: recording.sha256 };
  }
}

/**
 * Streams the file as stored, or a framed recording converted to asciicast (one read chunk and one
 * text piece in memory; the response's back-pressure paces the reading). A frame cut short at the
 * end (a live recording between two writes, a crash's torn tail) is left out, as players skip a
 * cut asciicast line. A damaged file aborts the response: headers are gone by then.
 */
async function stream(reply: HttpReply, file: string, served: ServedRecording, sha256: string | null, status: string | null, disposition: 'inline' | 'attachment'): Promise<void> {
  const res = takeOverResponse(reply);
  res.statusCode = 200;
  res.setHeader('Content-Type', served.contentType);
  res.setHeader('Content-Disposition', `${disposition}; filename="${served.fileName}"`);
  res.setHeader('Cache-Control', 'no-store');
  if (sha256) res.setHeader('X-Vigil-Recording-SHA256', sha256);
  if (status) res.setHeader('X-Vigil-Recording-Status', status);
  const body = served.convert ? Readable.from(asciicastTextOf(file, { tolerateTruncatedTail: true })) : fs.createReadStream(file);
  try {
    await pipeline(body, res);
  } catch (error) {
    if (!res.destroyed) logger.warn(`serving ${served.fileName} stopped: ${(error as Error).message}`);
    res.destroy();
  }
}
