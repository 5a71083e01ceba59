import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { AWS_REGION_PATTERN, SSM_SOURCE_NAME_PATTERN } from '@vigil/config';

/** AWS access key ids are 16-128 word characters (IAM's AccessKeyIdType). */
const ACCESS_KEY_ID = /^\w{16,128}$/;
/** No whitespace or control characters: a pasted secret with a newline is a mistake to refuse, not to store. */
const SECRET = /^[\x21-\x7e]{1,256}$/;

export const MAX_POLL_SECONDS = 86_400;

export class CreateSsmImportSourceDto {
  @ApiProperty({ example: 'prod-eu', description: 'unique; sessions show `aws-ssm:<name>` as service provider. Cannot be changed.' })
  @Matches(SSM_SOURCE_NAME_PATTERN, { message: 'name must be 1-32 letters, digits, ".", "_" or "-", starting with a letter or digit' })
  name: string;

  @ApiProperty({ example: 'eu-west-1' })
  @Matches(AWS_REGION_PATTERN, { message: 'region must be an AWS region name such as eu-west-1' })
  region: string;

  @ApiPropertyOptional({ example: 'https://ssm.eu-west-1.amazonaws.com', description: "an http(s) URL; default AWS's endpoint for the region" })
  @IsOptional()
  @IsString()
  endpoint?: string;

  @ApiPropertyOptional({ description: 'with secretAccessKey; both absent = the standard AWS provider chain of the gateway' })
  @IsOptional()
  @Matches(ACCESS_KEY_ID, { message: 'accessKeyId must be 16-128 letters, digits or "_"' })
  accessKeyId?: string;

  @ApiPropertyOptional({ description: 'stored encrypted, never returned' })
  @IsOptional()
  @IsString()
  @Matches(SECRET, { message: 'secretAccessKey must be 1-256 printable characters without spaces' })
  secretAccessKey?: string;

  @ApiPropertyOptional({ default: 60, minimum: 1, maximum: MAX_POLL_SECONDS })
  @IsOptional()
  @IsInt({ message: 'pollIntervalSeconds must be an integer' })
  @Min(1)
  @Max(MAX_POLL_SECONDS)
  pollIntervalSeconds?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Every field but the name; `endpoint: null` returns to AWS's endpoint, both keys null to the provider chain. */
export class UpdateSsmImportSourceDto {
  @ApiPropertyOptional({ example: 'eu-west-1' })
  @IsOptional()
  @Matches(AWS_REGION_PATTERN, { message: 'region must be an AWS region name such as eu-west-1' })
  region?: string;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsString()
  endpoint?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @Matches(ACCESS_KEY_ID, { message: 'accessKeyId must be 16-128 letters, digits or "_"' })
  accessKeyId?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'stored encrypted, never returned' })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsString()
  @Matches(SECRET, { message: 'secretAccessKey must be 1-256 printable characters without spaces' })
  secretAccessKey?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_POLL_SECONDS })
  @IsOptional()
  @IsInt({ message: 'pollIntervalSeconds must be an integer' })
  @Min(1)
  @Max(MAX_POLL_SECONDS)
  pollIntervalSeconds?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
