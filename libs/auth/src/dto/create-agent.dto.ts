import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { AGENT_KINDS, AgentKind } from '../principal';

export class CreateAgentDto {
  @ApiProperty({ example: 'workstation-agent-eu1' })
  @IsString()
  @Length(1, 128)
  name: string;

  @ApiProperty({ enum: AGENT_KINDS })
  @IsIn(AGENT_KINDS, { message: `kind must be one of: ${AGENT_KINDS.join(', ')}` })
  kind: AgentKind;
}
