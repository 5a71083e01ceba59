import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEFAULT_SESSION_COLUMNS, type HttpReply, type HttpRequest, parseColumnsParam, pickColumns, SESSION_COLUMNS, streamCsv, wantsCsv } from '@vigil/common';
import { CurrentUser, UserAuthGuard, UserPrincipal, UsersService, actorOf, auditedBy, seesAllSessions } from '@vigil/auth';
import { AuditOutbox } from '@vigil/database';
import { ListSessionsDto } from './dto/list-sessions.dto';
import { SessionColumnsDto } from './dto/session-columns.dto';
import { TerminateSessionDto } from './dto/terminate-session.dto';
import { SessionDirectory, SessionListFilter } from './session-directory.service';
import { SessionsService } from './sessions.service';
import { mayTerminate } from './terminate-permission';

const scopeOf = (user: UserPrincipal) => (seesAllSessions(user) ? null : user.username);

/** The sessions page: open sessions the caller may see, their columns, CSV, terminate. */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('api')
@UseGuards(UserAuthGuard)
export class SessionsController {
  constructor(
    private readonly directory: SessionDirectory,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly outbox: AuditOutbox,
  ) {}

  @Get('sessions')
  async list(
    @CurrentUser() user: UserPrincipal,
    @Query() query: ListSessionsDto,
    @Headers('accept') accept: string | undefined,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpReply,
  ) {
    const filter: SessionListFilter = { ownerScope: scopeOf(user), type: query.type, user: query.user };
    if (wantsCsv(query.format, accept)) {
      const columns = pickColumns(SESSION_COLUMNS, parseColumnsParam(query.columns) ?? (await this.columnsOf(user)));
      // An export is a read of many sessions at once: recorded before the first row, or refused.
      await this.outbox.append({
        action: 'sessions.export',
        ...auditedBy(actorOf(user, req)),
        requestParameters: { type: query.type, user: query.user, columns: columns.map((c) => c.id), scope: scopeOf(user) ?? 'all' },
      });
      await streamCsv(res, 'sessions.csv', columns, this.directory.iterate(filter));
      return;
    }
    return this.directory.list(filter, query.limit ?? 500, query.nextToken);
  }

  @Get('sessions/:id')
  async get(@CurrentUser() user: UserPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    const session = await this.directory.findVisible(id, scopeOf(user));
    if (!session) throw new NotFoundException(`session ${id} not found`);
    return session;
  }

  /** The rule is mayTerminate's (terminate-permission.ts), shared with /live. */
  @Post('sessions/:id/terminate')
  @HttpCode(202)
  @ApiOperation({
    summary: 'End a session with reason `terminated`',
    description:
      "Allowed to the session's owner, and to holders of the `terminate` privilege on a session they can see " +
      '(admins and auditors see every session, an owner only their own): an owner with `terminate` gets 404 for ' +
      "another owner's session. 403 when the caller sees the session but lacks `terminate`.",
  })
  async terminate(
    @CurrentUser() user: UserPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: TerminateSessionDto,
    @Req() req: HttpRequest,
  ) {
    const session = await this.directory.findVisible(id, null);
    const verdict = session ? mayTerminate(user, session.owner) : null;
    if (!verdict || (!verdict.ok && verdict.refusal === 'not-found')) throw new NotFoundException(`session ${id} not found`);
    if (!verdict.ok) throw new ForbiddenException(verdict.error);
    const { entry } = await this.sessions.end(id, {
      reason: 'terminated',
      endedBy: user.username,
      message: body.reason,
      audit: auditedBy(actorOf(user, req)),
    });
    return entry;
  }

  @Get('me/session-columns')
  async getColumns(@CurrentUser() user: UserPrincipal) {
    return {
      columns: await this.columnsOf(user),
      defaults: DEFAULT_SESSION_COLUMNS,
      available: SESSION_COLUMNS.map(({ id, header }) => ({ id, header })),
    };
  }

  @Put('me/session-columns')
  async putColumns(@CurrentUser() user: UserPrincipal, @Body() body: SessionColumnsDto, @Req() req: HttpRequest) {
    await this.users.setSessionColumns(user.id, body.columns, actorOf(user, req));
    return { columns: body.columns };
  }

  private async columnsOf(user: UserPrincipal): Promise<string[]> {
    return (await this.users.getSessionColumns(user.id)) ?? DEFAULT_SESSION_COLUMNS;
  }
}
