import { BadRequestException, Controller, ForbiddenException, Get, NotFoundException, Param, ParseUUIDPipe, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AccessLogService } from '@vigil/access-log';
import { CurrentUser, UserAuthGuard, UserPrincipal, auditedBy, actorOf, seesAllSessions } from '@vigil/auth';
import { AuditEntry, Clock, type HttpReply, type HttpRequest, streamCsv, wantsCsv } from '@vigil/common';
import { AuditOutbox } from '@vigil/database';
import { SessionDirectory } from '@vigil/sessions';
import { WATCH_CSV_COLUMNS, userCsvRows, watchCsvName, watchCsvRows } from './watch-report/watch-report-csv';
import { WatchedQueryDto, WatchersReportQueryDto } from './watch-report/watch-report-query.dto';
import { WatchReportService } from './watch-report/watch-report.service';

/** The per-user report's range when none is given: the last 30 days. */
const DEFAULT_RANGE_MS = 30 * 24 * 3600 * 1000;

/** One watcher's row, as both reports serve it (OpenAPI descriptions). */
const WATCHER_ROW =
  'viewer, visits: [{joinedAt (null: join not recorded), leftAt? (absent: still watching), durationSeconds?, mode, ' +
  'leftBecause?: left|session-ended|rejoined}], controlTaken, inputBursts, userPauses, recordingViews, recordingDownloads, totalSeconds';

/**
 * "Who watched": per session (admins, auditors, the session's owner) and per user over a time range
 * (admins, auditors; anyone for themself), JSON or CSV. Reading a report is itself audited, and
 * the record is written before the answer.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller()
@UseGuards(UserAuthGuard)
export class WatchReportController {
  constructor(
    private readonly reports: WatchReportService,
    private readonly sessions: SessionDirectory,
    private readonly accessLog: AccessLogService,
    private readonly outbox: AuditOutbox,
    private readonly clock: Clock,
  ) {}

  @Get('api/sessions/:id/watchers-report')
  @ApiOperation({ summary: 'Who watched a session (live or ended): every visit, control taken, input bursts, recording views; `format=csv`' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: `\`{sessionId, watchers: [{${WATCHER_ROW}}], truncated?}\`` })
  @ApiNotFoundResponse({ description: 'not a session the caller may see (owners: only their own)' })
  async sessionReport(
    @CurrentUser() user: UserPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: WatchersReportQueryDto,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) res: HttpReply,
  ) {
    const csv = wantsCsv(query.format, request.headers.accept);
    const entry: AuditEntry = { action: 'audit.watch-report', ...auditedBy(actorOf(user, request)), sessionId: id, requestParameters: { sessionId: id, format: csv ? 'csv' : 'json' } };
    // Admins and auditors may read what the audit trail keeps of a session purged since; owners only of a session they can see.
    if (!seesAllSessions(user) && !(await this.ownsSession(user, id))) {
      await this.outbox.append({ ...entry, errorCode: 'ResourceNotFoundException', errorMessage: `session ${id} not found` });
      throw new NotFoundException(`session ${id} not found`);
    }
    await this.outbox.append(entry);
    const report = await this.reports.forSession(id);
    if (!csv) return report;
    await streamCsv(res, watchCsvName('watchers', id, this.clock.now()), WATCH_CSV_COLUMNS, [watchCsvRows([report])]);
    return undefined;
  }

  @Get('api/audit/watched')
  @ApiOperation({ summary: 'Everything one user watched in a time range, per session (the same rows, with sessionId); `format=csv`' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: `\`{user, from, to, sessions: [{sessionId, ${WATCHER_ROW}}], truncated?}\`, newest session first` })
  @ApiForbiddenResponse({ description: 'asking about someone else without the admin or auditor role' })
  async userReport(@CurrentUser() user: UserPrincipal, @Query() query: WatchedQueryDto, @Req() request: HttpRequest, @Res({ passthrough: true }) res: HttpReply) {
    const csv = wantsCsv(query.format, request.headers.accept);
    const subject = query.user ?? user.username;
    const to = query.to ? Date.parse(query.to) : this.clock.now();
    const from = query.from ? Date.parse(query.from) : to - DEFAULT_RANGE_MS;
    if (from > to) throw new BadRequestException('from must not be after to');
    const entry: AuditEntry = {
      action: 'audit.watch-report',
      ...auditedBy(actorOf(user, request)),
      requestParameters: { user: subject, from: new Date(from).toISOString(), to: new Date(to).toISOString(), format: csv ? 'csv' : 'json' },
    };
    if (subject !== user.username && !seesAllSessions(user)) {
      await this.outbox.append({ ...entry, errorCode: 'AccessDeniedException', errorMessage: 'only admins and auditors may see what others watched' });
      throw new ForbiddenException('only admins and auditors may see what others watched');
    }
    await this.outbox.append(entry);
    const report = await this.reports.forUser(subject, from, to);
    if (!csv) return report;
    await streamCsv(res, watchCsvName('watched', subject, this.clock.now()), WATCH_CSV_COLUMNS, [userCsvRows(report.sessions)]);
    return undefined;
  }

  /** The session (open, or ended in the access log) is the caller's own. */
  private async ownsSession(user: UserPrincipal, id: string): Promise<boolean> {
    return (await this.sessions.findVisible(id, user.username)) !== null || (await this.accessLog.findVisible(id, user.username)) !== null;
  }
}
