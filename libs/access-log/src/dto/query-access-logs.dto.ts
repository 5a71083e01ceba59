import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { SESSION_TYPES, SessionType } from '@vigil/common';

export class QueryAccessLogsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) user?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) owner?: string;

  @ApiPropertyOptional({ enum: SESSION_TYPES })
  @IsOptional()
  @IsIn(SESSION_TYPES, { message: `type must be one of: ${SESSION_TYPES.join(', ')}` })
  type?: SessionType;

  @ApiPropertyOptional({ description: 'client server (target host)' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  target?: string;

  @ApiPropertyOptional({ description: 'ISO-8601; sessions still active at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date' })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601; sessions started at or before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date' })
  to?: string;

  @ApiPropertyOptional({ description: 'free text, case-insensitive' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
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

  @ApiPropertyOptional({ description: 'comma-separated column ids, in order (CSV)' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  columns?: string;
}
