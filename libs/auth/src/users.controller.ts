import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AgentsService } from './agents.service';
import { CreateAgentDto } from './dto/create-agent.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { CurrentUser, RequireRoles, UserAuthGuard } from './guards';
import { UserPrincipal } from './principal';
import { SshKeysService } from './ssh-keys.service';
import { UsernamePipe } from './username.pipe';
import { actorOf } from './audit-actor';
import { UsersService } from './users.service';
import type { HttpRequest } from '@vigil/common';

@ApiTags('administration')
@ApiBearerAuth()
@Controller('api')
@UseGuards(UserAuthGuard)
@RequireRoles('admin')
export class AdministrationController {
  constructor(
    private readonly users: UsersService,
    private readonly agents: AgentsService,
    private readonly sshKeys: SshKeysService,
  ) {}

  @Post('users')
  createUser(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Body() body: CreateUserDto) {
    return this.users.create(body, actorOf(admin, request));
  }

  @Get('users')
  listUsers() {
    return this.users.list();
  }

  @Patch('users/:username')
  @ApiOperation({ summary: 'Change roles, privileges, disabled or password; disabling ends every token, socket and live session of the user at once' })
  updateUser(
    @CurrentUser() admin: UserPrincipal,
    @Req() request: HttpRequest,
    @Param('username', UsernamePipe) username: string,
    @Body() body: UpdateUserDto,
  ) {
    return this.users.update(username, body, actorOf(admin, request));
  }

  @Delete('users/:username')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user with their tokens and SSH keys; their live sessions end' })
  async deleteUser(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Param('username', UsernamePipe) username: string): Promise<void> {
    await this.users.remove(username, actorOf(admin, request));
  }

  @Get('users/:username/ssh-keys')
  async listUserSshKeys(@Param('username', UsernamePipe) username: string) {
    return this.sshKeys.list(await this.users.requireId(username));
  }

  @Delete('users/:username/ssh-keys/:id')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove one of a user's SSH keys (e.g. a lost laptop)" })
  async removeUserSshKey(
    @CurrentUser() admin: UserPrincipal,
    @Req() request: HttpRequest,
    @Param('username', UsernamePipe) username: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.sshKeys.remove(await this.users.requireId(username), id, { ...actorOf(admin, request), onBehalfOf: username });
  }

  /** The token in the answer is shown this once; Vigil keeps only its hash. */
  @Post('agents')
  createAgent(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Body() body: CreateAgentDto) {
    return this.agents.create(body, actorOf(admin, request));
  }

  @Get('agents')
  listAgents() {
    return this.agents.list();
  }

  @Delete('agents/:id')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke an agent's token for good" })
  async revokeAgent(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.agents.revoke(id, actorOf(admin, request));
  }

  @Post('agents/:id/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new token for the agent (shown once); the old one stops working at once' })
  rotateAgent(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.agents.rotate(id, actorOf(admin, request));
  }
}
