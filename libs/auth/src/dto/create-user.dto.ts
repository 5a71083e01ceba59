import { ApiProperty } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import { PRIVILEGES, Privilege, ROLES, Role } from '../principal';

export class CreateUserDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Matches(/^[a-zA-Z0-9._-]{1,64}$/, { message: 'username must be 1-64 letters, digits, ".", "_" or "-"' })
  username: string;

  @ApiProperty({ minLength: 8 })
  @IsString()
  @Length(8, 1024)
  password: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each value in roles must be one of: ${ROLES.join(', ')}` })
  roles: Role[];

  @ApiProperty({ enum: PRIVILEGES, isArray: true })
  @IsArray()
  @ArrayUnique()
  @IsIn(PRIVILEGES, { each: true, message: `each value in privileges must be one of: ${PRIVILEGES.join(', ')}` })
  privileges: Privilege[];
}
