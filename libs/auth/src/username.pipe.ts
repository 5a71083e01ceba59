import { BadRequestException, PipeTransform } from '@nestjs/common';

const USERNAME = /^[a-zA-Z0-9._-]{1,64}$/;

/** A username in a route (`/api/users/{username}`): the same rule as at creation. */
export class UsernamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!USERNAME.test(value)) throw new BadRequestException('username must be 1-64 letters, digits, ".", "_" or "-"');
    return value;
  }
}
