import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class AddSshKeyDto {
  @ApiProperty({ example: 'ssh-ed25519 AAAAC3Nza... alice@laptop', description: 'one line of an authorized_keys file' })
  @IsString()
  @Length(16, 16384)
  publicKey: string;
}
