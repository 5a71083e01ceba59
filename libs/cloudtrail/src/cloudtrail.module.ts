import { hkdfSync } from 'node:crypto';
import { Module, OnModuleInit } from '@nestjs/common';
import { AuditModule } from '@vigil/audit';
import { AwsJsonRegistry } from '@vigil/aws-protocol';
import { VigilConfig } from '@vigil/config';
import { NextTokenCodec } from '@vigil/ssm';
import { loadCredentialKey } from '@vigil/targets';
import { LookupEventsOperation } from './lookup-events.operation';

export const CLOUDTRAIL_TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';

/**
 * The CloudTrail-compatible API (`X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Op>`,
 * SigV4 service `cloudtrail`) on the shared AWS JSON edge: LookupEvents over the audit trail.
 * Any other CloudTrail operation is UnknownOperationException. Each call is audited by the edge
 * as `cloudtrail.<Op>`.
 */
@Module({
  imports: [AuditModule],
  providers: [
    LookupEventsOperation,
    // keyed from the master key like SSM's tokens, under a key of its own: an SSM token is never a CloudTrail one
    {
      provide: NextTokenCodec,
      inject: [VigilConfig],
      useFactory: (config: VigilConfig) =>
        new NextTokenCodec(Buffer.from(hkdfSync('sha256', loadCredentialKey(config), Buffer.alloc(0), 'vigil/cloudtrail/next-token/v1', 32))),
    },
  ],
})
export class CloudTrailModule implements OnModuleInit {
  constructor(
    private readonly registry: AwsJsonRegistry,
    private readonly lookupEvents: LookupEventsOperation,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      targetPrefix: CLOUDTRAIL_TARGET_PREFIX,
      signingName: 'cloudtrail',
      auditPrefix: 'cloudtrail',
      operations: { LookupEvents: this.lookupEvents },
    });
  }
}
