import { Body, Controller, Get, HttpCode, HttpException, HttpStatus, Logger, Post, Req, Res, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuditOutbox } from '@vigil/database';
import { requestAuditContext } from './audit-actor';
import { AuthService, bearerToken } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { CurrentUser, UserAuthGuard } from './guards';
import { LoginThrottle } from './login-throttle';
import { UserPrincipal } from './principal';
import type { HttpRequest, HttpReply } from '@vigil/common';

@ApiTags('auth')
@Controller('api')
export class AuthController {
  private readonly logger = new Logger(AuthController.name);

  constructor(
    private readonly auth: AuthService,
    private readonly throttle: LoginThrottle,
    private readonly outbox: AuditOutbox,
  ) {}

  /**
   * Every attempt passes the login throttle first (shared with the SSH jump): while the account,
   * the (account, source) pair or the source is locked, even the right password gets 429.
   */
  @Post('auth/login')
  @HttpCode(200)
  @ApiOkResponse({ description: '`{accessToken, expiresIn}`' })
  @ApiUnauthorizedResponse({ description: 'wrong username or password (counted by the login throttle)' })
  @ApiTooManyRequestsResponse({
    description: 'too many failed logins for this account or from this source; nothing was checked',
    headers: { 'Retry-After': { description: 'seconds until the lock ends', schema: { type: 'integer' } } },
  })
  async login(@Body() body: LoginDto, @Req() request: HttpRequest, @Res({ passthrough: true }) response: HttpReply) {
    const context = requestAuditContext(request);
    const sourceIp = context.sourceIp!;
    const username = JSON.stringify(body.username); // quoted and escaped: the name is attacker-chosen
    const verdict = await this.throttle.check(body.username, sourceIp);
    if (!verdict.allowed) {
      // Not audited one by one: a flood against a locked account would flood the chain. The
      // failures and the lock-out that led here are.
      this.logger.debug(`login for ${username} from ${sourceIp} refused: locked (${verdict.scope}) for ${verdict.retryAfterSeconds} s`);
      response.header('Retry-After', String(verdict.retryAfterSeconds));
      throw new HttpException(
        { statusCode: 429, message: `too many failed login attempts; try again in ${verdict.retryAfterSeconds} s`, error: 'Too Many Requests' },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }

    let session: { accessToken: string; expiresIn: number };
    try {
      const { accessToken, expiresIn } = await this.auth.login(body.username, body.password, context);
      session = { accessToken, expiresIn };
    } catch (error) {
      if (!(error instanceof UnauthorizedException)) {
        await verdict.abandon();
        throw error;
      }
      const lockouts = await verdict.failure();
      this.logger.warn(`failed login for ${username} from ${sourceIp}`);
      // Written before the 401 leaves; if it cannot be, the caller gets a 5xx instead (still no token).
      await this.outbox.append({
        action: 'auth.login-failed',
        actor: `ip:${sourceIp}`,
        context,
        requestParameters: { username: body.username },
        errorCode: 'InvalidCredentials',
        errorMessage: 'invalid username or password',
        ...(lockouts.length > 0 ? { responseElements: { lockouts } } : {}),
      });
      throw error;
    }
    await verdict.success();
    return session;
  }

  @Post('auth/logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @UseGuards(UserAuthGuard)
  async logout(@Req() request: HttpRequest, @CurrentUser() user: UserPrincipal): Promise<void> {
    await this.auth.logout(bearerToken(request.headers.authorization)!, user.username, requestAuditContext(request));
  }

  @Get('me')
  @ApiBearerAuth()
  @UseGuards(UserAuthGuard)
  me(@CurrentUser() user: UserPrincipal) {
    const { id, username, roles, privileges } = user;
    return { id, username, roles, privileges };
  }
}
