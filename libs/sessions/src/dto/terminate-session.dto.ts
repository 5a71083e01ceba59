import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class TerminateSessionDto {
  @ApiProperty({ description: 'shown to the user whose session is closed', example: 'Unapproved change window' })
  @IsString()
  @Length(1, 500)
  reason: string;
}
