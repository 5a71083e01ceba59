import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';

const FORMAT = { enum: ['json', 'csv'] };

/** `GET /api/sessions/{id}/watchers-report` */
export class WatchersReportQueryDto {
  @ApiPropertyOptional(FORMAT)
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be one of: json, csv' })
  format?: 'json' | 'csv';
}

/** `GET /api/audit/watched` */
export class WatchedQueryDto extends WatchersReportQueryDto {
  @ApiPropertyOptional({ description: 'whose watching (default: the caller); others than oneself need admin or auditor' })
  @IsOptional()
  @Matches(/^[a-zA-Z0-9._-]{1,64}$/, { message: 'user must be 1-64 letters, digits, ".", "_" or "-"' })
  user?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive (default: 30 days before `to`)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date' })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date' })
  to?: string;
}
