import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, UserAuthGuard, UserPrincipal } from '@vigil/auth';
import type { SessionWatchers } from './live-hub.service';
import { LiveCore } from './live-core';
import { watchScope } from './shadow-permission';

/**
 * Who is watching the caller's sessions now. The sessions page loads this with the session list;
 * `session.viewers` on /sessions carries the changes after that.
 */
@ApiTags('live')
@ApiBearerAuth()
@Controller('api/live')
@UseGuards(UserAuthGuard)
export class LiveWatchersController {
  constructor(private readonly live: LiveCore) {}

  /** Every process of the cluster answers for the sessions it holds (REDIS_URL). */
  @Get('watchers')
  async watchers(@CurrentUser() user: UserPrincipal): Promise<{ items: SessionWatchers[] }> {
    return { items: await this.live.watchers(watchScope(user)) };
  }
}
