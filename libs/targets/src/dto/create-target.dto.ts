import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { TargetGrantsDto } from './target-grants.dto';
import { RDP_SECURITY_MODES, RdpSecurity, TARGET_PROTOCOLS, TargetProtocol } from '../entities/target.entity';

const HOST_KEY_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

export class TargetPolicyDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() agentForwarding?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() portForwarding?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() x11?: boolean;
  @ApiPropertyOptional({ description: 'sftp subsystem and standard scp (default false); not a boundary while exec is true' })
  @IsOptional()
  @IsBoolean()
  sftp?: boolean;
  @ApiPropertyOptional({
    description:
      'commands and sessions without a terminal (default true). With sftp:false, exec:false is what closes file transfer: only interactive terminals remain',
  })
  @IsOptional()
  @IsBoolean()
  exec?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() announceWatching?: boolean;
  @ApiPropertyOptional({ description: 'default true: a session whose recording fails is ended' }) @IsOptional() @IsBoolean() strictRecording?: boolean;
}

export class CreateTargetDto {
  @ApiProperty({ example: 'db-01', description: 'used in `ssh user+db-01@jump`' })
  @Matches(/^[a-zA-Z0-9._-]{1,64}$/, { message: 'name must be 1-64 letters, digits, ".", "_" or "-"' })
  name: string;

  @ApiPropertyOptional({ enum: TARGET_PROTOCOLS, default: 'ssh', description: 'ssh: through the jump; rdp, vnc: in the browser through guacd (POST /api/targets/{name}/connect)' })
  @IsOptional()
  @IsIn(TARGET_PROTOCOLS, { message: `protocol must be one of: ${TARGET_PROTOCOLS.join(', ')}` })
  protocol?: TargetProtocol;

  @ApiPropertyOptional({ enum: RDP_SECURITY_MODES, description: "rdp only: guacd's security mode (default any)" })
  @IsOptional()
  @IsIn(RDP_SECURITY_MODES, { message: `security must be one of: ${RDP_SECURITY_MODES.join(', ')}` })
  security?: RdpSecurity;

  @ApiPropertyOptional({ description: "rdp only: accept the server's certificate unchecked (default false)" })
  @IsOptional()
  @IsBoolean({ message: 'ignoreCert must be a boolean' })
  ignoreCert?: boolean;

  @ApiPropertyOptional({ example: 'CORP', description: 'rdp only: the Windows domain of the account' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(/^[^\s\u0000-\u001f\u007f]+$/, { message: 'domain must not contain spaces or control characters' })
  domain?: string;

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

  @ApiPropertyOptional({ description: 'stored encrypted, never returned; for vnc, the VNC password' })
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

  @ApiPropertyOptional({
    example: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
    description: "the target's host key fingerprint (ssh-keygen -lf), pinned before the first connection; default: trust on first use",
  })
  @IsOptional()
  @Matches(HOST_KEY_FINGERPRINT, { message: 'hostKeySha256 must be "SHA256:" and 43 base64 characters, as ssh-keygen -l prints' })
  hostKeySha256?: string;

  @ApiPropertyOptional({ type: () => TargetGrantsDto, description: 'who may connect (same as PUT /api/targets/{name}/grants); default: nobody' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TargetGrantsDto)
  grants?: TargetGrantsDto;
}

/** `PATCH /api/targets/{name}`: any field but the name (credentials are bound to it). */
export class UpdateTargetDto extends PartialType(OmitType(CreateTargetDto, ['name', 'grants'] as const)) {}

export class RepinTargetDto {
  @ApiPropertyOptional({ description: 'the new fingerprint; absent: forget the pin, the next connection pins what it sees' })
  @IsOptional()
  @Matches(HOST_KEY_FINGERPRINT, { message: 'hostKeySha256 must be "SHA256:" and 43 base64 characters, as ssh-keygen -l prints' })
  hostKeySha256?: string;
}
