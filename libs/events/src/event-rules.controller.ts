import { BadRequestException, Body, ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequireRoles, UserAuthGuard, UserPrincipal } from '@vigil/auth';
import { httpAuditContext, type HttpRequest } from '@vigil/common';
import { CreateEventRuleDoc, RedriveDoc, RotateSecretDoc, TestPatternDoc, UpdateEventRuleDoc } from './dto/event-rule.docs';
import { DeliveryQuery, EventDeliveriesService } from './event-deliveries.service';
import { EventRulesService, RuleActor } from './event-rules.service';
import { PatternTester } from './pattern-tester';
import { DeliveryNotFoundError, RuleInputError, RuleNameTakenError, RuleNotFoundError } from './rule-errors';

const actor = (user: UserPrincipal, request: HttpRequest): RuleActor => ({ username: user.username, context: httpAuditContext(request) });

/** The edge's translation of the domain errors: 400 naming the field, 404, 409. */
async function answer<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof RuleInputError) throw new BadRequestException(error.message);
    if (error instanceof RuleNotFoundError || error instanceof DeliveryNotFoundError) throw new NotFoundException(error.message);
    if (error instanceof RuleNameTakenError) throw new ConflictException(error.message);
    throw error;
  }
}

@ApiTags('event rules')
@ApiBearerAuth()
@Controller('api/event-rules')
@UseGuards(UserAuthGuard)
@RequireRoles('admin')
export class EventRulesController {
  constructor(
    private readonly rules: EventRulesService,
    private readonly tester: PatternTester,
  ) {}

  @Post()
  @ApiBody({ type: CreateEventRuleDoc })
  @ApiOperation({
    summary: 'Create an event rule: an EventBridge pattern and 1-5 targets (webhook, Slack-compatible webhook, email)',
    description: 'Admins. 201 with the rule; `secrets` holds each webhook target\'s secret (generated when not given) this once only. 400 names the field at fault; 409 for a name in use. Audited (event-rule.create).',
  })
  create(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Body() body: unknown) {
    return answer(this.rules.create(body, actor(user, request)));
  }

  @Post('test-pattern')
  @HttpCode(200)
  @ApiBody({ type: TestPatternDoc })
  @ApiOperation({ summary: 'Match a pattern against an event (or the most recent real event, or a sample)', description: '`{match, event}`: the event used is returned.' })
  testPattern(@Body() body: unknown) {
    return answer(this.tester.test(body));
  }

  @Get()
  @ApiOperation({ summary: 'Every event rule (secrets never shown: `hasSecret`)' })
  list() {
    return this.rules.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One event rule' })
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return answer(this.rules.get(id));
  }

  @Patch(':id')
  @ApiBody({ type: UpdateEventRuleDoc })
  @ApiOperation({ summary: 'Change a rule; `targets` replaces the list (a target given with its `id` keeps its secret)', description: 'Audited (event-rule.update).' })
  update(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    return answer(this.rules.update(id, body, actor(user, request)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a rule with its deliveries and their log', description: 'Audited (event-rule.delete).' })
  async remove(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await answer(this.rules.remove(id, actor(user, request)));
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiBody({ type: RotateSecretDoc, required: false })
  @ApiOperation({ summary: 'New secrets for the webhook targets (or one); returned once in `secrets`, the old ones stop at once' })
  rotate(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    const targetId = (body as { targetId?: unknown } | undefined)?.targetId;
    if (targetId !== undefined && typeof targetId !== 'string') throw new BadRequestException('targetId: must be a target id');
    return answer(this.rules.rotateSecret(id, targetId as string | undefined, actor(user, request)));
  }
}

@ApiTags('event rules')
@ApiBearerAuth()
@Controller('api/event-deliveries')
@UseGuards(UserAuthGuard)
@RequireRoles('admin')
export class EventDeliveriesController {
  constructor(private readonly deliveries: EventDeliveriesService) {}

  @Get()
  @ApiOperation({ summary: 'The delivery log, newest first: `?ruleId&status=pending|delivered|dead&limit(≤1000)&nextToken`' })
  list(@Query() query: DeliveryQuery) {
    return answer(this.deliveries.list(query));
  }

  @Post('redrive')
  @HttpCode(200)
  @ApiBody({ type: RedriveDoc })
  @ApiOperation({ summary: 'Put dead deliveries back in line with a fresh retry budget', description: '`{redriven: n}`. Audited (event-delivery.redrive).' })
  redrive(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Body() body: unknown) {
    return answer(this.deliveries.redrive(body, actor(user, request)));
  }

  @Get(':id/attempts')
  @ApiOperation({ summary: "A delivery's attempts: time, status code, latency, error" })
  attempts(@Param('id', new ParseUUIDPipe()) id: string) {
    return answer(this.deliveries.attempts(id));
  }
}
