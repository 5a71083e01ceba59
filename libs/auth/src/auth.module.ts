import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsService } from './agents.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AgentEntity } from './entities/agent.entity';
import { AuthTokenEntity } from './entities/auth-token.entity';
import { UserEntity } from './entities/user.entity';
import { AgentAuthGuard, UserAuthGuard } from './guards';
import { AdministrationController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, AuthTokenEntity, AgentEntity])],
  controllers: [AuthController, AdministrationController],
  providers: [AuthService, UsersService, AgentsService, UserAuthGuard, AgentAuthGuard],
  exports: [AuthService, UsersService, AgentsService, UserAuthGuard, AgentAuthGuard],
})
export class AuthModule {}
