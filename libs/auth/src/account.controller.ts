import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { bearerToken } from './auth.service';
import { ChangePasswordDto } from './dto/update-user.dto';
import { CurrentUser, UserAuthGuard } from './guards';
import { UserPrincipal } from './principal';
import { actorOf } from './audit-actor';
import { UsersService } from './users.service';
import type { HttpRequest } from '@vigil/common';

/** What users do with their own account. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/me')
@UseGuards(UserAuthGuard)
export class AccountController {
  constructor(private readonly users: UsersService) {}

  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your password (proving the current one); every other token of yours ends' })
  async changePassword(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Body() body: ChangePasswordDto): Promise<void> {
    await this.users.changePassword(user.id, body.currentPassword, body.newPassword, bearerToken(request.headers.authorization)!, actorOf(user, request));
  }
}
