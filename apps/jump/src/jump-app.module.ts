import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuditModule } from '@vigil/audit';
import { ClusterModule } from '@vigil/cluster';
import { ClockModule } from '@vigil/common';
import { ConfigModule, VigilConfig } from '@vigil/config';
import { DatabaseModule } from '@vigil/database';
import { JumpModule } from '@vigil/ssh-jump';

/**
 * The jump server as its own deployable: registers, records and audits SSH sessions in the shared
 * database, without the HTTP API. With REDIS_URL its sessions appear on the gateways' sessions
 * pages live (Redis emitter). Live viewing of its sessions from a gateway needs a cross-process
 * terminal stream, which is not built yet; the gateway's embedded jump has it.
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
        ClusterModule.forEmitterOnly(config.redisUrl),
        AuditModule,
        JumpModule,
      ],
    };
  }
}
