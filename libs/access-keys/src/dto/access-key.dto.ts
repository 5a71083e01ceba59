import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';

export class CreateAccessKeyDto {
  @ApiPropertyOptional({ example: 'incident-response laptop', description: 'what the key is for (shown in lists)' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'description must not contain control characters' })
  description?: string;
}

export class UpdateAccessKeyDto {
  @ApiProperty({ description: 'false deactivates the key at once; true reactivates it' })
  @IsBoolean()
  active: boolean;
}

export class ListAccessKeysDto {
  @ApiPropertyOptional({ description: "admins: one user's keys (default for admins: everyone's)" })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  user?: string;
}
