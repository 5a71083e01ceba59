import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AddSshKeyDto } from './dto/add-ssh-key.dto';
import { CurrentUser, UserAuthGuard } from './guards';
import { UserPrincipal } from './principal';
import { SshKeysService } from './ssh-keys.service';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/me/ssh-keys')
@UseGuards(UserAuthGuard)
export class SshKeysController {
  constructor(private readonly keys: SshKeysService) {}

  @Post()
  add(@CurrentUser() user: UserPrincipal, @Body() body: AddSshKeyDto) {
    return this.keys.add(user.id, body.publicKey);
  }

  @Get()
  list(@CurrentUser() user: UserPrincipal) {
    return this.keys.list(user.id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentUser() user: UserPrincipal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.keys.remove(user.id, id);
  }
}
