import { BadRequestException, Controller, HttpCode, HttpException, NotFoundException, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, UserAuthGuard, UserPrincipal } from '@vigil/auth';
import { Clock, httpAuditContext, type HttpRequest, uuidv7 } from '@vigil/common';
import { AuditOutbox } from '@vigil/database';
import { TargetsService } from '@vigil/targets';
import { RdpTokens } from './rdp-tokens';
import { TUNNEL_PATH } from './tunnel-path';

class ConnectAnswer {
  /** the Vigil session this tunnel becomes once guacd answers `ready` (listed, ended, audited under it); never registered if the tunnel never opens */
  sessionId: string;
  /** where to open the WebSocket (same host and port as the API) */
  tunnel: string;
  /** single use, ~30 s: `wss://host/guacamole?token=...` (guacamole-common-js: `tunnel.connect('token=...')`) */
  token: string;
  /** epoch ms */
  expiresAt: number;
}

/**
 * `POST /api/targets/{name}/connect`: a browser tunnel to an RDP or VNC target the caller holds a
 * grant for. Every call is audited (`rdp.connect`, refusals with errorCode) before it is answered:
 * if the record can't be written, no token is handed out.
 */
@ApiTags('targets')
@ApiBearerAuth()
@Controller('api/targets')
@UseGuards(UserAuthGuard)
export class RdpConnectController {
  constructor(
    private readonly targets: TargetsService,
    private readonly tokens: RdpTokens,
    private readonly outbox: AuditOutbox,
    private readonly clock: Clock,
  ) {}

  @Post(':name/connect')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A single-use token for the Guacamole tunnel to an RDP/VNC target (credentials stay on the server)',
    description: 'Needs a grant on the target; an unknown and a forbidden target both answer 404. SSH targets answer 400: use the jump. Audited as vigil.rdp ConnectTarget.',
  })
  @ApiOkResponse({ type: ConnectAnswer })
  async connect(@CurrentUser() user: UserPrincipal, @Param('name') name: string, @Req() request: HttpRequest): Promise<ConnectAnswer> {
    const shownName = name.slice(0, 64);
    const audit = (fields: { sessionId?: string; protocol?: string; responseElements?: Record<string, unknown>; errorCode?: string; errorMessage?: string }) =>
      this.outbox.append({
        action: 'rdp.connect',
        actor: `user:${user.username}`,
        ...(fields.sessionId ? { sessionId: fields.sessionId } : {}),
        context: httpAuditContext(request),
        requestParameters: { targetName: shownName, ...(fields.protocol ? { protocol: fields.protocol } : {}) },
        ...(fields.responseElements ? { responseElements: fields.responseElements } : {}),
        ...(fields.errorCode ? { errorCode: fields.errorCode, errorMessage: fields.errorMessage } : {}),
        resources: [{ type: 'Target', name: shownName }],
      });
    const refuse = async (error: HttpException, errorCode: string, protocol?: string): Promise<never> => {
      await audit({ protocol, errorCode, errorMessage: error.message });
      throw error;
    };

    const target = /^[a-zA-Z0-9._-]{1,64}$/.test(name) ? await this.targets.findForUser(name, user) : null;
    if (!target) return refuse(new NotFoundException(`target "${shownName}" not found`), 'TargetNotFound');
    if (target.protocol === 'ssh') {
      return refuse(new BadRequestException(`protocol: "${target.name}" is an ssh target: connect with ssh ${user.username}+${target.name}@<jump>`), 'InvalidProtocol', 'ssh');
    }
    const sessionId = uuidv7(this.clock.now());
    await audit({ sessionId, protocol: target.protocol, responseElements: { sessionId, tunnel: TUNNEL_PATH } });
    // Minted only once the record is written: no tunnel without its audit record.
    const { token, expiresAt } = this.tokens.mint({ kind: 'connect', userId: user.id, username: user.username, targetName: target.name, sessionId });
    return { sessionId, tunnel: TUNNEL_PATH, token, expiresAt };
  }
}
