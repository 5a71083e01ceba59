import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';

export const AGENT_END_REASONS = ['ended', 'failed', 'terminated'] as const;

export class EndSessionDto {
  @ApiPropertyOptional({ description: 'ISO-8601; defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'endDate must be an ISO-8601 date' })
  endDate?: string;

  @ApiPropertyOptional({ enum: AGENT_END_REASONS, default: 'ended' })
  @IsOptional()
  @IsIn(AGENT_END_REASONS, { message: `reason must be one of: ${AGENT_END_REASONS.join(', ')}` })
  reason?: (typeof AGENT_END_REASONS)[number];
}
