import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsService } from './agents.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AgentEntity } from './entities/agent.entity';
import { AuthTokenEntity } from './entities/auth-token.entity';
import { UserSshKeyEntity } from './entities/user-ssh-key.entity';
import { UserEntity } from './entities/user.entity';
import { AgentAuthGuard, UserAuthGuard } from './guards';
import { AdministrationController } from './users.controller';
import { UsersService } from './users.service';
import { SshKeysController } from './ssh-keys.controller';
import { SshKeysService } from './ssh-keys.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, AuthTokenEntity, AgentEntity, UserSshKeyEntity])],
  controllers: [AuthController, AdministrationController, SshKeysController],
  providers: [AuthService, UsersService, AgentsService, SshKeysService, UserAuthGuard, AgentAuthGuard],
  exports: [AuthService, UsersService, AgentsService, SshKeysService, UserAuthGuard, AgentAuthGuard],
})
export class AuthModule {}
