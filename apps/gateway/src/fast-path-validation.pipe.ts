import { ArgumentMetadata, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';

/**
 * The global ValidationPipe, with a fast path for hot request bodies: when a DTO's check
 * (a strict subset of its rules, e.g. @vigil/sessions' AGENT_BODY_FAST_CHECKS) accepts the body,
 * the body becomes the DTO instance class-transformer would have made, without class-validator;
 * otherwise, and for every other DTO, class-validator decides as before. The checks assume the
 * options the gateway passes (whitelist, forbidNonWhitelisted, transform).
 */
export class FastPathValidationPipe extends ValidationPipe {
  constructor(
    private readonly fastChecks: ReadonlyMap<Function, (value: unknown) => boolean>,
    options: ValidationPipeOptions,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const check = metadata.type === 'body' && metadata.metatype ? this.fastChecks.get(metadata.metatype) : undefined;
    if (check && check(value)) return Object.assign(new (metadata.metatype as new () => object)(), value);
    return super.transform(value, metadata);
  }
}
