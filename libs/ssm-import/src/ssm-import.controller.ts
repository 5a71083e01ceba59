import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequireRoles, UserAuthGuard, UserPrincipal, actorOf } from '@vigil/auth';
import { CreateSsmImportSourceDto, UpdateSsmImportSourceDto } from './dto/ssm-import-source.dto';
import { SourceNamePipe } from './source-name.pipe';
import { SsmImportSourcesService } from './ssm-import-sources.service';
import type { HttpRequest } from '@vigil/common';

@ApiTags('ssm import')
@ApiBearerAuth()
@Controller('api/ssm-import/sources')
@UseGuards(UserAuthGuard)
@RequireRoles('admin')
export class SsmImportSourcesController {
  constructor(private readonly sources: SsmImportSourcesService) {}

  @Post()
  @ApiOperation({
    summary: 'Import the SSM sessions of an AWS account and region',
    description: 'Admins. accessKeyId + secretAccessKey (encrypted at rest, never returned), or neither for the standard AWS provider chain. 201 with the source and its health.',
  })
  create(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Body() body: CreateSsmImportSourceDto) {
    return this.sources.create(body, actorOf(admin, request));
  }

  @Get()
  @ApiOperation({ summary: 'The sources with their import health (last poll, last success, last error, backoff, counts)' })
  list() {
    return this.sources.list();
  }

  @Get(':name')
  @ApiOperation({ summary: 'One source with its import health' })
  get(@Param('name', SourceNamePipe) name: string) {
    return this.sources.get(name);
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change a source (not its name); the environment’s source is read-only (409)' })
  update(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Param('name', SourceNamePipe) name: string, @Body() body: UpdateSsmImportSourceDto) {
    return this.sources.update(name, body, actorOf(admin, request));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop importing from a source; what it imported stays (open sessions end by Vigil’s liveness rule)' })
  async remove(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Param('name', SourceNamePipe) name: string): Promise<void> {
    await this.sources.remove(name, actorOf(admin, request));
  }
}

@ApiTags('ssm import')
@ApiBearerAuth()
@Controller('api/ssm-import/sessions')
@UseGuards(UserAuthGuard)
@RequireRoles('admin', 'auditor')
export class SsmImportedSessionsController {
  constructor(private readonly sources: SsmImportSourcesService) {}

  @Get(':id')
  @ApiOperation({ summary: 'The AWS attributes of an imported session (by its Vigil id): source, region, AWS SessionId, target, owner ARN, DocumentName, Reason, AWS status' })
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.sources.importedSession(id);
  }
}
