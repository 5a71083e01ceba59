import { Controller, Get, ParseIntPipe, Query, UseGuards, DefaultValuePipe, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequireRoles, UserAuthGuard } from '@vigil/auth';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
@UseGuards(UserAuthGuard)
@RequireRoles('admin', 'auditor')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  async list(
    @Query('sessionId', new ParseUUIDPipe({ optional: true })) sessionId: string | undefined,
    @Query('limit', new DefaultValuePipe(100), new ParseIntPipe()) limit: number,
  ) {
    return { items: sessionId ? await this.audit.forSession(sessionId) : await this.audit.recent(Math.min(Math.max(limit, 1), 1000)) };
  }

  /** Recomputes the hash chain: `{ok, checked, brokenAt?}`. */
  @Get('verify')
  verify() {
    return this.audit.verify();
  }
}
