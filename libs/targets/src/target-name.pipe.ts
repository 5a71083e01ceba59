import { BadRequestException, PipeTransform } from '@nestjs/common';

const TARGET_NAME = /^[a-zA-Z0-9._-]{1,64}$/;

/** A target name in a route: the same rule as at creation. */
export class TargetNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TARGET_NAME.test(value)) throw new BadRequestException('name must be 1-64 letters, digits, ".", "_" or "-"');
    return value;
  }
}
