import { BadRequestException, Controller, HttpCode, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, UserAuthGuard, UserPrincipal } from '@vigil/auth';
import { TargetsService } from '@vigil/targets';
import { RdpTokens } from './rdp-tokens';
import { TUNNEL_PATH } from './tunnel-path';

class ConnectAnswer {
  /** where to open the WebSocket (same host and port as the API) */
  tunnel: string;
  /** single use, ~30 s: `wss://host/guacamole?token=...` (guacamole-common-js: `tunnel.connect('token=...')`) */
  token: string;
  /** epoch ms */
  expiresAt: number;
  /** always null here: the session is registered once guacd answers `ready` (GET /api/sessions lists it) */
  sessionId: null;
}

/** `POST /api/targets/{name}/connect`: a browser tunnel to an RDP or VNC target the caller holds a grant for. */
@ApiTags('targets')
@ApiBearerAuth()
@Controller('api/targets')
@UseGuards(UserAuthGuard)
export class RdpConnectController {
  constructor(
    private readonly targets: TargetsService,
    private readonly tokens: RdpTokens,
  ) {}

  @Post(':name/connect')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A single-use token for the Guacamole tunnel to an RDP/VNC target (credentials stay on the server)',
    description: 'Needs a grant on the target; an unknown and a forbidden target both answer 404. SSH targets answer 400: use the jump.',
  })
  @ApiOkResponse({ type: ConnectAnswer })
  async connect(@CurrentUser() user: UserPrincipal, @Param('name') name: string): Promise<ConnectAnswer> {
    const target = /^[a-zA-Z0-9._-]{1,64}$/.test(name) ? await this.targets.findForUser(name, user) : null;
    if (!target) throw new NotFoundException(`target "${name.slice(0, 64)}" not found`);
    if (target.protocol === 'ssh') throw new BadRequestException(`protocol: "${target.name}" is an ssh target: connect with ssh ${user.username}+${target.name}@<jump>`);
    const { token, expiresAt } = this.tokens.mint({ kind: 'connect', userId: user.id, username: user.username, targetName: target.name });
    return { tunnel: TUNNEL_PATH, token, expiresAt, sessionId: null };
  }
}
