import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { Clock } from '@vigil/common';
import { AuditOutbox } from '@vigil/database';
import { AwsCredentialSource } from './aws-credential-source';
import { AwsJsonEdge } from './aws-json-edge';
import { AwsJsonRegistry } from './aws-json-service';
import { AwsJsonController } from './aws-json.controller';
import { SigV4Verifier } from './sigv4-verifier';

export interface AwsProtocolOptions {
  /** the module that provides (and exports) `credentials` */
  imports: NonNullable<ModuleMetadata['imports']>;
  credentials: Type<AwsCredentialSource>;
}

/**
 * The shared awsJson1_1 edge on `POST /`, imported once by the app with the credential source.
 * Global: feature modules (libs/ssm, later CloudTrail-style audit lookups) inject AwsJsonRegistry
 * and register their service; they never see HTTP or signatures.
 */
@Module({})
export class AwsProtocolModule {
  static forRoot(options: AwsProtocolOptions): DynamicModule {
    return {
      module: AwsProtocolModule,
      global: true,
      imports: options.imports,
      controllers: [AwsJsonController],
      providers: [
        AwsJsonRegistry,
        { provide: AwsCredentialSource, useExisting: options.credentials },
        { provide: SigV4Verifier, inject: [AwsCredentialSource, Clock], useFactory: (source: AwsCredentialSource, clock: Clock) => new SigV4Verifier(source, clock) },
        {
          provide: AwsJsonEdge,
          inject: [AwsJsonRegistry, SigV4Verifier, AuditOutbox],
          useFactory: (registry: AwsJsonRegistry, verifier: SigV4Verifier, outbox: AuditOutbox) =>
            new AwsJsonEdge(registry, verifier, (entry) => outbox.append(entry)),
        },
      ],
      exports: [AwsJsonRegistry],
    };
  }
}
