import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, UserAuthGuard, UserPrincipal, seesAllSessions } from '@vigil/auth';
import { LiveHub, SessionWatchers } from './live-hub.service';

/**
 * Who is watching the caller's sessions now. The sessions page loads this with the session list;
 * `session.viewers` on /sessions carries the changes after that.
 */
@ApiTags('live')
@ApiBearerAuth()
@Controller('api/live')
@UseGuards(UserAuthGuard)
export class LiveWatchersController {
  constructor(private readonly hub: LiveHub) {}

  @Get('watchers')
  watchers(@CurrentUser() user: UserPrincipal): { items: SessionWatchers[] } {
    return { items: this.hub.watchers(seesAllSessions(user) ? null : user.username) };
  }
}
