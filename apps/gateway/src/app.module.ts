import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AccessKeyCredentials, AccessKeysModule } from '@vigil/access-keys';
import { AccessLogModule } from '@vigil/access-log';
import { AgentChannelModule } from '@vigil/agent-channel';
import { AuditModule } from '@vigil/audit';
import { AuthModule } from '@vigil/auth';
import { AwsProtocolModule } from '@vigil/aws-protocol';
import { CloudTrailModule } from '@vigil/cloudtrail';
import { ClockModule } from '@vigil/common';
import { ConfigModule, VigilConfig } from '@vigil/config';
import { DatabaseModule } from '@vigil/database';
import { EventsModule } from '@vigil/events';
import { ObservabilityModule } from '@vigil/observability';
import { RdpModule } from '@vigil/rdp';
import { RecordingModule } from '@vigil/recording';
import { SessionsModule } from '@vigil/sessions';
import { SsmModule } from '@vigil/ssm';
import { SsmImportModule } from '@vigil/ssm-import';
import { LiveModule } from '@vigil/shadowing';
import { JumpModule } from '@vigil/ssh-jump';
import { TargetsModule } from '@vigil/targets';
import { WebTerminalModule } from '@vigil/web-terminal';
import { DemoAgent } from './demo-agent';
import { DemoShell } from './demo/demo-shell.service';

/** The gateway composes the feature libs; it holds no feature code of its own (the demo agent aside). */
@Module({})
export class AppModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule,
        EventEmitterModule.forRoot(),
        DatabaseModule,
        AuthModule,
        AccessLogModule,
        SessionsModule,
        // socket.io /agents: agents' persistent channel (open/heartbeat/end with acks); HTTP stays the fallback
        AgentChannelModule,
        ObservabilityModule,
        TargetsModule,
        AuditModule,
        LiveModule,
        JumpModule,
        // SSH targets in the browser: socket.io /terminal on the jump's relay, recording and shadowing
        WebTerminalModule,
        // RDP/VNC in the browser: the Guacamole tunnel (/guacamole) on this HTTP port, to guacd
        RdpModule,
        // playback and verification of every recording (asciicast, Guacamole), sealed or live
        RecordingModule,
        AccessKeysModule,
        // POST /: the AWS-shaped APIs, signed with access keys; SsmModule registers AmazonSSM on it
        AwsProtocolModule.forRoot({ imports: [AccessKeysModule], credentials: AccessKeyCredentials }),
        SsmModule,
        CloudTrailModule,
        // AWS accounts' SSM sessions, polled into the registry as type SSM
        SsmImportModule,
        // event rules over the audit trail: deliveries made in the chaining transaction, sent by a leased worker
        EventsModule,
      ],
      providers: [DemoAgent, DemoShell],
    };
  }
}
