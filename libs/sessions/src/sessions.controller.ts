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
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DEFAULT_SESSION_COLUMNS, SESSION_COLUMNS, parseColumnsParam, pickColumns, streamCsv, wantsCsv } from '@vigil/common';
import { CurrentUser, UserAuthGuard, UserPrincipal, UsersService, hasPrivilege, seesAllSessions } from '@vigil/auth';
import { ListSessionsDto } from './dto/list-sessions.dto';
import { SessionColumnsDto } from './dto/session-columns.dto';
import { TerminateSessionDto } from './dto/terminate-session.dto';
import { SessionDirectory, SessionListFilter } from './session-directory.service';
import { SessionsService } from './sessions.service';

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
  ) {}

  @Get('sessions')
  async list(
    @CurrentUser() user: UserPrincipal,
    @Query() query: ListSessionsDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const filter: SessionListFilter = { ownerScope: scopeOf(user), type: query.type, user: query.user };
    if (wantsCsv(query.format, accept)) {
      const ids = parseColumnsParam(query.columns) ?? (await this.columnsOf(user));
      await streamCsv(res, 'sessions.csv', pickColumns(SESSION_COLUMNS, ids), this.directory.iterate(filter));
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

  /** Owners may end their own sessions; anyone else needs the `terminate` privilege. */
  @Post('sessions/:id/terminate')
  @HttpCode(202)
  async terminate(
    @CurrentUser() user: UserPrincipal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: TerminateSessionDto,
  ) {
    const session = await this.directory.findVisible(id, scopeOf(user));
    if (!session) throw new NotFoundException(`session ${id} not found`);
    if (session.owner !== user.username && !hasPrivilege(user, 'terminate')) {
      throw new ForbiddenException('terminating this session requires the terminate privilege');
    }
    const { entry } = await this.sessions.end(id, {
      reason: 'terminated',
      endedBy: user.username,
      message: body.reason,
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
  async putColumns(@CurrentUser() user: UserPrincipal, @Body() body: SessionColumnsDto) {
    await this.users.setSessionColumns(user.id, body.columns);
    return { columns: body.columns };
  }

  private async columnsOf(user: UserPrincipal): Promise<string[]> {
    return (await this.users.getSessionColumns(user.id)) ?? DEFAULT_SESSION_COLUMNS;
  }
}
