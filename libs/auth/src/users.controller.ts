import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AgentsService } from './agents.service';
import { CreateAgentDto } from './dto/create-agent.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { RequireRoles, UserAuthGuard } from './guards';
import { UsersService } from './users.service';

@ApiTags('administration')
@ApiBearerAuth()
@Controller('api')
@UseGuards(UserAuthGuard)
@RequireRoles('admin')
export class AdministrationController {
  constructor(
    private readonly users: UsersService,
    private readonly agents: AgentsService,
  ) {}

  @Post('users')
  createUser(@Body() body: CreateUserDto) {
    return this.users.create(body);
  }

  @Get('users')
  listUsers() {
    return this.users.list();
  }

  /** The token in the answer is shown this once; Vigil keeps only its hash. */
  @Post('agents')
  createAgent(@Body() body: CreateAgentDto) {
    return this.agents.create(body);
  }
}
