import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PRIVILEGES, Privilege, ROLES, Role } from '../principal';

/** What an admin may change about an account. Absent fields stay as they are. */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each value in roles must be one of: ${ROLES.join(', ')}` })
  roles?: Role[];

  @ApiPropertyOptional({ enum: PRIVILEGES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(PRIVILEGES, { each: true, message: `each value in privileges must be one of: ${PRIVILEGES.join(', ')}` })
  privileges?: Privilege[];

  @ApiPropertyOptional({ description: 'true ends every token, socket and live session of the user at once' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ minLength: 8, description: "a password reset: ends every token of the user" })
  @IsOptional()
  @IsString()
  @Length(8, 1024)
  password?: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @Length(1, 1024)
  currentPassword: string;

  @ApiProperty({ minLength: 8 })
  @IsString()
  @Length(8, 1024)
  newPassword: string;
}
