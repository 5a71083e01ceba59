import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { SESSION_TYPES, SessionType } from '@vigil/common';

export class ListSessionsDto {
  @ApiPropertyOptional({ enum: SESSION_TYPES })
  @IsOptional()
  @IsIn(SESSION_TYPES, { message: `type must be one of: ${SESSION_TYPES.join(', ')}` })
  type?: SessionType;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) user?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 512) nextToken?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be one of: json, csv' })
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ description: 'comma-separated column ids, in order' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  columns?: string;
}
