import {
  BadRequestException,
  Controller,
  Get,
  Headers,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ACCESS_LOG_COLUMNS,
  DEFAULT_ACCESS_LOG_COLUMNS,
  parseColumnsParam,
  pickColumns,
  streamCsv,
  wantsCsv,
} from '@vigil/common';
import { CurrentUser, UserAuthGuard, UserPrincipal, actorOf, auditedBy, seesAllSessions } from '@vigil/auth';
import { AuditOutbox } from '@vigil/database';
import { AccessLogFilter } from './access-log-filter';
import { AccessLogService } from './access-log.service';
import { QueryAccessLogsDto } from './dto/query-access-logs.dto';
import type { HttpRequest, HttpReply } from '@vigil/common';

@ApiTags('access logs')
@ApiBearerAuth()
@Controller('api/access-logs')
@UseGuards(UserAuthGuard)
export class AccessLogController {
  constructor(
    private readonly accessLog: AccessLogService,
    private readonly outbox: AuditOutbox,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Search ended sessions (newest first), or export them as CSV',
    description:
      'JSON: `{ items, nextToken?, total: { count, exact } }`. `total` counts every matching entry in the ' +
      "caller's scope (an owner's only their own), exactly up to 10 000; beyond, `exact` is false and " +
      '`count` is 10 000 ("more than 10 000"). From/To select sessions *active during* the window: ended at or ' +
      'after `from` and started at or before `to`. CSV (`format=csv` or `Accept: text/csv`): every matching entry.',
  })
  async search(
    @CurrentUser() user: UserPrincipal,
    @Query() query: QueryAccessLogsDto,
    @Headers('accept') accept: string | undefined,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpReply,
  ) {
    const filter = toFilter(query, user);
    if (wantsCsv(query.format, accept)) {
      const columns = pickColumns(ACCESS_LOG_COLUMNS, parseColumnsParam(query.columns) ?? DEFAULT_ACCESS_LOG_COLUMNS);
      // An export reads many sessions at once: recorded before the first row, or refused.
      const { ownerScope, ...criteria } = filter;
      await this.outbox.append({
        action: 'access-log.export',
        ...auditedBy(actorOf(user, req)),
        requestParameters: { ...criteria, from: isoOrUndefined(filter.from), to: isoOrUndefined(filter.to), columns: columns.map((c) => c.id), scope: ownerScope ?? 'all' },
      });
      await streamCsv(res, 'access-logs.csv', columns, this.accessLog.iterate(filter));
      return;
    }
    const [page, total] = await Promise.all([this.accessLog.query(filter, query.limit ?? 100, query.nextToken), this.accessLog.count(filter)]);
    return { ...page, total };
  }

  @Get(':id')
  async get(@CurrentUser() user: UserPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    const entry = await this.accessLog.findVisible(id, seesAllSessions(user) ? null : user.username);
    if (!entry) throw new NotFoundException(`access-log entry ${id} not found`);
    return entry;
  }
}

function toFilter(query: QueryAccessLogsDto, user: UserPrincipal): AccessLogFilter {
  const from = query.from ? Date.parse(query.from) : undefined;
  const to = query.to ? Date.parse(query.to) : undefined;
  if (from !== undefined && to !== undefined && from > to) throw new BadRequestException('from must not be after to');
  return {
    ownerScope: seesAllSessions(user) ? null : user.username,
    user: query.user,
    userMatch: query.userMatch,
    owner: query.owner,
    type: query.type,
    target: query.target,
    targetMatch: query.targetMatch,
    hasRecording: query.hasRecording,
    from,
    to,
    q: query.q,
  };
}

function isoOrUndefined(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
