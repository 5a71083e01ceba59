import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { SESSION_TYPES, SessionType } from '@vigil/common';
import { MATCH_MODES, MatchMode } from '../access-log-match';

const MATCH_DESCRIPTION =
  'exact (default, case-sensitive, indexed), prefix (case-insensitive, indexed: LOWER(column) index) or ' +
  'contains (case-insensitive substring; scans the log, slower on a large one). `%`, `_` and `\\` are literal.';

export class QueryAccessLogsDto {
  @ApiPropertyOptional({ description: 'the session user; how it matches: userMatch' }) @IsOptional() @IsString() @Length(1, 256) user?: string;

  @ApiPropertyOptional({ enum: MATCH_MODES, default: 'exact', description: MATCH_DESCRIPTION })
  @IsOptional()
  @IsIn(MATCH_MODES, { message: `userMatch must be one of: ${MATCH_MODES.join(', ')}` })
  userMatch?: MatchMode;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) owner?: string;

  @ApiPropertyOptional({ enum: SESSION_TYPES })
  @IsOptional()
  @IsIn(SESSION_TYPES, { message: `type must be one of: ${SESSION_TYPES.join(', ')}` })
  type?: SessionType;

  @ApiPropertyOptional({ description: 'the target: the client server, or the service provider (a jump session\'s target); how it matches: targetMatch' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  target?: string;

  @ApiPropertyOptional({ enum: MATCH_MODES, default: 'exact', description: MATCH_DESCRIPTION })
  @IsOptional()
  @IsIn(MATCH_MODES, { message: `targetMatch must be one of: ${MATCH_MODES.join(', ')}` })
  targetMatch?: MatchMode;

  @ApiPropertyOptional({ description: 'true: only entries with a recording (complete, incomplete or recovered)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'hasRecording must be true or false' })
  hasRecording?: boolean;

  @ApiPropertyOptional({ description: 'ISO-8601; "active during" [from, to]: sessions that ended at or after this instant (one that started before it is included)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date' })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601; "active during" [from, to]: sessions that started at or before this instant (one still open after it is included)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date' })
  to?: string;

  @ApiPropertyOptional({ description: 'free text, case-insensitive substring of any attribute, including the end reason, who ended it and the end message' })
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
