import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthService, bearerToken } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { CurrentUser, UserAuthGuard } from './guards';
import { UserPrincipal } from './principal';

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: LoginDto) {
    return this.auth.login(body.username, body.password);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @UseGuards(UserAuthGuard)
  async logout(@Req() request: Request): Promise<void> {
    await this.auth.logout(bearerToken(request.headers.authorization)!);
  }

  @Get('me')
  @ApiBearerAuth()
  @UseGuards(UserAuthGuard)
  me(@CurrentUser() user: UserPrincipal) {
    const { id, username, roles, privileges } = user;
    return { id, username, roles, privileges };
  }
}
