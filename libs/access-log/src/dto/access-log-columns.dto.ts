import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { ACCESS_LOG_COLUMNS } from '@vigil/common';

const IDS = ACCESS_LOG_COLUMNS.map((c) => c.id);

export class AccessLogColumnsDto {
  @ApiProperty({ enum: IDS, isArray: true, description: 'shown access-log columns, in order' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(IDS.length)
  @ArrayUnique()
  @IsIn(IDS, { each: true, message: `each value in columns must be one of: ${IDS.join(', ')}` })
  columns: string[];
}
