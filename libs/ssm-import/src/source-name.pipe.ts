import { BadRequestException, PipeTransform } from '@nestjs/common';
import { SSM_SOURCE_NAME_PATTERN } from '@vigil/config';

/** A source name in a route: the same rule as at creation. */
export class SourceNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SSM_SOURCE_NAME_PATTERN.test(value)) throw new BadRequestException('name must be 1-32 letters, digits, ".", "_" or "-", starting with a letter or digit');
    return value;
  }
}
