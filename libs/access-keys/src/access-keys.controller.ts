import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, UserAuthGuard, UserPrincipal, actorOf } from '@vigil/auth';
import { AccessKeysService } from './access-keys.service';
import { CreateAccessKeyDto, ListAccessKeysDto, UpdateAccessKeyDto } from './dto/access-key.dto';
import type { HttpRequest } from '@vigil/common';

@ApiTags('access keys')
@ApiBearerAuth()
@Controller('api/access-keys')
@UseGuards(UserAuthGuard)
export class AccessKeysController {
  constructor(private readonly keys: AccessKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'A new access key for the SSM-compatible API (AWS Signature V4)',
    description: '201 {accessKeyId, secretAccessKey, ...}: the secret is shown in this answer only. Any user; the key acts as the caller.',
  })
  create(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Body() body: CreateAccessKeyDto) {
    return this.keys.create(user, body, actorOf(user, request));
  }

  @Get()
  @ApiOperation({ summary: "The caller's access keys (admins: everyone's, or one user's with ?user=); never a secret" })
  list(@CurrentUser() user: UserPrincipal, @Query() query: ListAccessKeysDto) {
    return this.keys.list(user, query.user);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Deactivate ({active: false}) or reactivate a key: own keys, admins anyone’s; takes effect with the next request' })
  update(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Param('id') id: string, @Body() body: UpdateAccessKeyDto) {
    return this.keys.setActive(user, id, body.active, actorOf(user, request));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a key for good: own keys, admins anyone’s' })
  async remove(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Param('id') id: string): Promise<void> {
    await this.keys.remove(user, id, actorOf(user, request));
  }
}
