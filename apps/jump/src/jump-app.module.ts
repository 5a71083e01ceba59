import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuditModule } from '@vigil/audit';
import { ClockModule } from '@vigil/common';
import { ConfigModule, VigilConfig } from '@vigil/config';
import { DatabaseModule } from '@vigil/database';
import { JumpModule } from '@vigil/ssh-jump';

/**
 * The jump server as its own deployable: registers, records and audits SSH sessions in the shared
 * database; its socket gateways join the gateways' socket.io cluster when REDIS_URL is set (see
 * main.ts). Its HTTP routes are never served: the process does not listen for HTTP.
 */
@Module({})
export class JumpAppModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return {
      module: JumpAppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule,
        EventEmitterModule.forRoot(),
        DatabaseModule,
        AuditModule,
        JumpModule,
      ],
    };
  }
}
