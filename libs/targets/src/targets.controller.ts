import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequireRoles, UserAuthGuard } from '@vigil/auth';
import { CreateTargetDto } from './dto/create-target.dto';
import { TargetsService } from './targets.service';

@ApiTags('targets')
@ApiBearerAuth()
@Controller('api/targets')
@UseGuards(UserAuthGuard)
@RequireRoles('admin')
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  /** Credentials are encrypted at rest and never returned. */
  @Post()
  create(@Body() body: CreateTargetDto) {
    return this.targets.create(body);
  }

  @Get()
  list() {
    return this.targets.list();
  }
}
