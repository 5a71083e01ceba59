import { Module, OnModuleInit } from '@nestjs/common';
import { AccessLogModule } from '@vigil/access-log';
import { AuthModule } from '@vigil/auth';
import { AwsJsonRegistry } from '@vigil/aws-protocol';
import { VigilConfig } from '@vigil/config';
import { SessionsModule } from '@vigil/sessions';
import { loadCredentialKey } from '@vigil/targets';
import { DescribeSessionsOperation } from './describe-sessions.operation';
import { NextTokenCodec } from './next-token';
import { ResumeSessionOperation, StartSessionOperation } from './session-stream.operations';
import { TerminateSessionOperation } from './terminate-session.operation';

/**
 * The SSM-compatible API (`X-Amz-Target: AmazonSSM.<Op>`, SigV4 service `ssm`) on the shared AWS
 * JSON edge (libs/aws-protocol). Any other AmazonSSM operation is UnknownOperationException.
 */
@Module({
  imports: [AuthModule, AccessLogModule, SessionsModule],
  providers: [
    DescribeSessionsOperation,
    TerminateSessionOperation,
    StartSessionOperation,
    ResumeSessionOperation,
    // keyed from the master key: gateways that share VIGIL_MASTER_KEY accept each other's tokens
    { provide: NextTokenCodec, inject: [VigilConfig], useFactory: (config: VigilConfig) => new NextTokenCodec(loadCredentialKey(config)) },
  ],
})
export class SsmModule implements OnModuleInit {
  constructor(
    private readonly registry: AwsJsonRegistry,
    private readonly describeSessions: DescribeSessionsOperation,
    private readonly terminateSession: TerminateSessionOperation,
    private readonly startSession: StartSessionOperation,
    private readonly resumeSession: ResumeSessionOperation,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      targetPrefix: 'AmazonSSM',
      signingName: 'ssm',
      auditPrefix: 'ssm',
      operations: {
        DescribeSessions: this.describeSessions,
        TerminateSession: this.terminateSession,
        StartSession: this.startSession,
        ResumeSession: this.resumeSession,
      },
    });
  }
}
