import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

export class TargetPolicyDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() agentForwarding?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() portForwarding?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() x11?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() sftp?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() announceWatching?: boolean;
}

export class CreateTargetDto {
  @ApiProperty({ example: 'db-01', description: 'used in `ssh user+db-01@jump`' })
  @Matches(/^[a-zA-Z0-9._-]{1,64}$/, { message: 'name must be 1-64 letters, digits, ".", "_" or "-"' })
  name: string;

  @ApiProperty({ example: '10.0.0.5' })
  @IsString()
  @Length(1, 256)
  @Matches(/^[a-zA-Z0-9.:_-]+$/, { message: 'host must be a host name or IP address' })
  host: string;

  @ApiProperty({ example: 22 })
  @IsInt({ message: 'port must be an integer' })
  @Min(1)
  @Max(65535)
  port: number;

  @ApiProperty({ example: 'root' })
  @IsString()
  @Length(1, 128)
  @Matches(/^[^\s:@]+$/, { message: 'accountName must not contain spaces, ":" or "@"' })
  accountName: string;

  @ApiPropertyOptional({ description: "Vigil user who owns this target's sessions; default: the connecting user" })
  @IsOptional()
  @Matches(/^[a-zA-Z0-9._-]{1,64}$/, { message: 'owner must be a Vigil username' })
  owner?: string;

  @ApiPropertyOptional({ description: 'stored encrypted, never returned' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  password?: string;

  @ApiPropertyOptional({ description: 'OpenSSH/PEM private key, stored encrypted, never returned' })
  @IsOptional()
  @IsString()
  @Length(1, 16384)
  @Matches(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, { message: 'privateKey must be a PEM or OpenSSH private key' })
  privateKey?: string;

  @ApiPropertyOptional({ type: TargetPolicyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TargetPolicyDto)
  policy?: TargetPolicyDto;
}
