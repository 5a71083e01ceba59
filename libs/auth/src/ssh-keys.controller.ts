import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AddSshKeyDto } from './dto/add-ssh-key.dto';
import { CurrentUser, UserAuthGuard } from './guards';
import { UserPrincipal } from './principal';
import { SshKeysService } from './ssh-keys.service';
import { actorOf } from './audit-actor';
import type { HttpRequest } from '@vigil/common';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/me/ssh-keys')
@UseGuards(UserAuthGuard)
export class SshKeysController {
  constructor(private readonly keys: SshKeysService) {}

  @Post()
  add(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Body() body: AddSshKeyDto) {
    return this.keys.add(user.id, body.publicKey, actorOf(user, request));
  }

  @Get()
  list(@CurrentUser() user: UserPrincipal) {
    return this.keys.list(user.id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.keys.remove(user.id, id, actorOf(user, request));
  }
}
