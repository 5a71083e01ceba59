import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequireRoles, UserAuthGuard, UserPrincipal, actorOf } from '@vigil/auth';
import { CreateTargetDto, RepinTargetDto, UpdateTargetDto } from './dto/create-target.dto';
import { TargetGrantsDto } from './dto/target-grants.dto';
import { TargetNamePipe } from './target-name.pipe';
import { TargetsService } from './targets.service';
import type { HttpRequest } from '@vigil/common';

@ApiTags('targets')
@ApiBearerAuth()
@Controller('api/targets')
@UseGuards(UserAuthGuard)
@RequireRoles('admin')
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  /** Credentials are encrypted at rest and never returned. */
  @Post()
  create(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Body() body: CreateTargetDto) {
    return this.targets.create(body, actorOf(admin, request));
  }

  @Get()
  list() {
    return this.targets.list();
  }

  @Get(':name')
  get(@Param('name', TargetNamePipe) name: string) {
    return this.targets.get(name);
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change a target (not its name); moving it to another host or port forgets its pinned host key' })
  update(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Param('name', TargetNamePipe) name: string, @Body() body: UpdateTargetDto) {
    return this.targets.update(name, body, actorOf(admin, request));
  }

  @Delete(':name')
  @HttpCode(204)
  async remove(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Param('name', TargetNamePipe) name: string): Promise<void> {
    await this.targets.remove(name, actorOf(admin, request));
  }

  @Post(':name/repin')
  @HttpCode(200)
  @ApiOperation({ summary: "Accept a target's new host key: pin the given fingerprint, or none (the next connection pins)" })
  repin(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Param('name', TargetNamePipe) name: string, @Body() body: RepinTargetDto) {
    return this.targets.repin(name, body.hostKeySha256, actorOf(admin, request));
  }

  @Post(':name/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test connection: reach the target without logging in; SSH: the host key offered and whether it is the pinned one (audited)' })
  test(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Param('name', TargetNamePipe) name: string) {
    return this.targets.test(name, actorOf(admin, request));
  }

  @Get(':name/grants')
  grants(@Param('name', TargetNamePipe) name: string) {
    return this.targets.getGrants(name);
  }

  @Put(':name/grants')
  @ApiOperation({ summary: 'Say who may connect: users and roles (replaces the list). Nobody may without a grant.' })
  setGrants(@CurrentUser() admin: UserPrincipal, @Req() request: HttpRequest, @Param('name', TargetNamePipe) name: string, @Body() body: TargetGrantsDto) {
    return this.targets.setGrants(name, body, actorOf(admin, request));
  }
}

/** `GET /api/me/targets`: what the caller may reach through the jump. */
@ApiTags('targets')
@ApiBearerAuth()
@Controller('api/me/targets')
@UseGuards(UserAuthGuard)
export class MyTargetsController {
  constructor(private readonly targets: TargetsService) {}

  @Get()
  reachable(@CurrentUser() user: UserPrincipal) {
    return this.targets.reachableBy(user);
  }
}
