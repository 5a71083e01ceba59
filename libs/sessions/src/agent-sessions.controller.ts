import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AgentAuthGuard, AgentPrincipal, CurrentAgent, requestAuditContext } from '@vigil/auth';
import { EndSessionDto } from './dto/end-session.dto';
import { OpenSessionDto } from './dto/open-session.dto';
import { SessionsService } from './sessions.service';
import type { HttpRequest, HttpReply } from '@vigil/common';

/** What agents and jump servers call to report sessions. */
@ApiTags('agent')
@ApiBearerAuth()
@Controller('api/agent/sessions')
@UseGuards(AgentAuthGuard)
export class AgentSessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /** 201 when the session is new; 200 with the same session when this externalId was seen before. */
  @Post()
  async open(@CurrentAgent() agent: AgentPrincipal, @Body() body: OpenSessionDto, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpReply) {
    const { session, created } = await this.sessions.open(agent.id, body, { context: requestAuditContext(req) });
    res.status(created ? 201 : 200);
    return session;
  }

  @Post(':id/heartbeat')
  @HttpCode(204)
  async heartbeat(@CurrentAgent() agent: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.sessions.heartbeat(agent.id, id);
  }

  /** Returns the access-log entry; ending twice returns the same entry. */
  @Post(':id/end')
  @HttpCode(200)
  async end(@CurrentAgent() agent: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: EndSessionDto, @Req() req: HttpRequest) {
    const { entry } = await this.sessions.end(id, {
      reason: body.reason ?? 'ended',
      endDate: body.endDate ? Date.parse(body.endDate) : undefined,
      agentId: agent.id,
      audit: { context: requestAuditContext(req) },
    });
    return entry;
  }
}
