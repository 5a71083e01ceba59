import { Body, Controller, Get, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ACCESS_LOG_COLUMNS, type HttpRequest } from '@vigil/common';
import { CurrentUser, UserAuthGuard, UserPrincipal, actorOf } from '@vigil/auth';
import { ACCESS_LOG_TABLE_DEFAULTS, AccessLogColumnsService } from './access-log-columns.service';
import { AccessLogColumnsDto } from './dto/access-log-columns.dto';

/** The access-log page's column choice of the caller, as /api/me/session-columns is the sessions page's. */
@ApiTags('access logs')
@ApiBearerAuth()
@Controller('api/me/access-log-columns')
@UseGuards(UserAuthGuard)
export class AccessLogColumnsController {
  constructor(private readonly columns: AccessLogColumnsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's access-log columns in order, the defaults and every column available" })
  async get(@CurrentUser() user: UserPrincipal) {
    return {
      columns: await this.columns.of(user.id),
      defaults: ACCESS_LOG_TABLE_DEFAULTS,
      available: ACCESS_LOG_COLUMNS.map(({ id, header }) => ({ id, header })),
    };
  }

  @Put()
  @ApiOperation({ summary: "Stores the caller's access-log columns and their order (audited as access-log-columns.update)" })
  async put(@CurrentUser() user: UserPrincipal, @Body() body: AccessLogColumnsDto, @Req() req: HttpRequest) {
    await this.columns.set(user.id, body.columns, actorOf(user, req));
    return { columns: body.columns };
  }
}
