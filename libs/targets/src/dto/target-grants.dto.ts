import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, Matches } from 'class-validator';
import { ROLES, Role } from '@vigil/auth';

/** Who may connect to a target. The lists replace the target's grants as a whole. */
export class TargetGrantsDto {
  @ApiPropertyOptional({ type: [String], example: ['alice'], description: 'usernames' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(1000)
  @Matches(/^[a-zA-Z0-9._-]{1,64}$/, { each: true, message: 'each value in users must be a username' })
  users?: string[];

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each value in roles must be one of: ${ROLES.join(', ')}` })
  roles?: Role[];
}
