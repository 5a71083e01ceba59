import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountController } from './account.controller';
import { AgentsService } from './agents.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AgentEntity } from './entities/agent.entity';
import { AuthTokenEntity } from './entities/auth-token.entity';
import { UserSshKeyEntity } from './entities/user-ssh-key.entity';
import { UserEntity } from './entities/user.entity';
import { AgentAuthGuard, UserAuthGuard } from './guards';
import { LoginThrottle } from './login-throttle';
import { LOGIN_THROTTLE_PROVIDERS } from './login-throttle.providers';
import { AdministrationController } from './users.controller';
import { UsersService } from './users.service';
import { SshKeysController } from './ssh-keys.controller';
import { SshKeysService } from './ssh-keys.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, AuthTokenEntity, AgentEntity, UserSshKeyEntity])],
  controllers: [AuthController, AccountController, AdministrationController, SshKeysController],
  providers: [AuthService, UsersService, AgentsService, SshKeysService, UserAuthGuard, AgentAuthGuard, ...LOGIN_THROTTLE_PROVIDERS],
  exports: [AuthService, UsersService, AgentsService, SshKeysService, UserAuthGuard, AgentAuthGuard, LoginThrottle],
})
export class AuthModule {}
