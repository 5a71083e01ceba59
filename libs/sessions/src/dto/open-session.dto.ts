import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { AGENT_SESSION_TYPES, SessionType } from '@vigil/common';

/** Printable text without control characters: these values end up in UIs, logs and CSV files. */
const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;
const printable = (field: string) => Matches(PRINTABLE, { message: `${field} must not contain control characters` });

export class OpenSessionDto {
  @ApiProperty({ description: "the agent's own id for this session; repeating it is idempotent", example: 'ws-42:1701' })
  @IsString()
  @Length(1, 128)
  @printable('externalId')
  externalId: string;

  @ApiProperty({ enum: AGENT_SESSION_TYPES })
  @IsIn(AGENT_SESSION_TYPES, { message: `type must be one of: ${AGENT_SESSION_TYPES.join(', ')}` })
  type: Exclude<SessionType, 'SSM'>;

  @ApiProperty({ example: 'jdoe' })
  @IsString()
  @Length(1, 256)
  @printable('user')
  user: string;

  @ApiProperty({ description: 'device IP or name', example: '10.0.0.12' })
  @IsString()
  @Length(1, 256)
  @printable('device')
  device: string;

  @ApiProperty({ description: 'client server reached', example: 'srv-db-01' })
  @IsString()
  @Length(1, 256)
  @printable('client')
  client: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 65535 })
  @IsOptional()
  @IsInt({ message: 'port must be an integer' })
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ example: 'https://crm.example.com' })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  @Matches(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s]+$/, { message: 'serviceUrl must be an absolute URL (scheme://...)' })
  serviceUrl?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @printable('accountName')
  accountName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @printable('serviceProvider')
  serviceProvider?: string;

  @ApiProperty({ description: 'Vigil username of the owner who may see this session', example: 'alice' })
  @IsString()
  @Matches(/^[a-zA-Z0-9._-]{1,64}$/, { message: 'owner must be a Vigil username (1-64 letters, digits, ".", "_" or "-")' })
  owner: string;

  @ApiPropertyOptional({ description: 'ISO-8601; defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'startDate must be an ISO-8601 date' })
  startDate?: string;
}
