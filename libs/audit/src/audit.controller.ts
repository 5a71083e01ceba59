import { Controller, Get, ParseIntPipe, Query, UseGuards, DefaultValuePipe, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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

  /** Recomputes the hash chain up to the stored head: `{ok, checked, brokenAt?, reason?, head: {seq, hash}}`. */
  @Get('verify')
  @ApiOkResponse({
    description:
      '`{ok, checked, brokenAt?, reason?, head: {seq, hash}}`. `reason`: `record-mismatch` (a record edited), `missing-record` ' +
      '(one deleted from the middle), `head-mismatch` (records rewritten with recomputed hashes), `truncated` (the last records ' +
      'deleted), `beyond-head` (records no head covers). A rewrite of every record and of the head together is not detectable here.',
  })
  verify() {
    return this.audit.verify();
  }
}
