import { Controller, Get, Header, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequireRoles, UserAuthGuard, UserPrincipal } from '@vigil/auth';
import { ColumnDefinition, httpAuditContext, type HttpReply, type HttpRequest, streamCsv, takeOverResponse, wantsCsv } from '@vigil/common';
import { AuditOutbox } from '@vigil/database';
import { AuditQueryParams, auditNextToken, parseAuditQuery } from './audit-query-params';
import { AuditView } from './audit-view';
import { AuditService } from './audit.service';

/** The columns of the audit CSV export. */
const CSV_COLUMNS: ColumnDefinition<AuditView>[] = [
  { id: 'eventTime', header: 'Event time', value: (e) => e.eventTime },
  { id: 'eventName', header: 'Event name', value: (e) => e.eventName },
  { id: 'eventSource', header: 'Event source', value: (e) => e.eventSource },
  { id: 'user', header: 'User', value: (e) => e.userIdentity.userName ?? e.userIdentity.principalId ?? '' },
  { id: 'sourceIPAddress', header: 'Source IP', value: (e) => e.sourceIPAddress },
  { id: 'sessionId', header: 'Session', value: (e) => e.sessionId ?? '' },
  { id: 'errorCode', header: 'Error code', value: (e) => e.errorCode ?? '' },
  { id: 'readOnly', header: 'Read only', value: (e) => String(e.readOnly) },
  { id: 'requestParameters', header: 'HttpRequest parameters', value: (e) => JSON.stringify(e.requestParameters ?? null) },
  { id: 'eventID', header: 'Event ID', value: (e) => e.eventID },
  { id: 'seq', header: 'Seq', value: (e) => String(e.seq) },
] as ColumnDefinition<AuditView>[];

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
@UseGuards(UserAuthGuard)
@RequireRoles('admin', 'auditor')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly outbox: AuditOutbox,
  ) {}

  @Get()
  @ApiOperation({ summary: 'CloudTrail-shaped audit records, newest first, filtered; keyset paging; `format=csv` exports every page of the filter' })
  @ApiProduces('application/json', 'text/csv')
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'eventName', required: false, description: 'e.g. TerminateSession, JoinSession, ConsoleLogin (docs/API.md lists them)' })
  @ApiQuery({ name: 'eventSource', required: false })
  @ApiQuery({ name: 'user', required: false, description: "userIdentity.userName" })
  @ApiQuery({ name: 'sessionId', required: false })
  @ApiQuery({ name: 'sourceIp', required: false })
  @ApiQuery({ name: 'errorsOnly', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'nextToken', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async list(
    @CurrentUser() user: UserPrincipal,
    @Req() request: HttpRequest,
    @Res({ passthrough: true }) res: HttpReply,
    @Query() query: AuditQueryParams & { format?: string },
  ) {
    const filter = parseAuditQuery(query);
    // read-your-writes: records committed before this request are chained before it is answered
    await this.audit.settle();
    if (!wantsCsv(query.format, request.headers.accept)) {
      const page = await this.audit.query(filter);
      return { items: page.items, ...(page.nextBeforeSeq !== undefined ? { nextToken: auditNextToken(page.nextBeforeSeq) } : {}) };
    }
    const { limit: _limit, beforeSeq: _before, ...criteria } = filter;
    await this.outbox.append({ action: 'audit.export', actor: `user:${user.username}`, context: httpAuditContext(request), requestParameters: criteria });
    res.status(200);
    const audit = this.audit;
    async function* pages(): AsyncIterable<AuditView[]> {
      let beforeSeq = filter.beforeSeq;
      do {
        const page = await audit.query({ ...criteria, limit: 1000, beforeSeq });
        yield page.items;
        beforeSeq = page.nextBeforeSeq;
      } while (beforeSeq !== undefined);
    }
    await streamCsv(res, `vigil-audit-${new Date().toISOString().slice(0, 10)}.csv`, CSV_COLUMNS, pages());
    return undefined;
  }

  @Get('verify')
  @ApiOkResponse({
    description:
      '`{ok, checked, brokenAt?, reason?, head: {seq, hash}, checkpoint: {seq, hash, at, keyId} | null, checkpoints: {total, verified, untrusted}, ' +
      'signingKeyId}`. `reason`: `record-mismatch` (a record or its filter columns edited), `missing-record` (one deleted from the middle), ' +
      '`head-mismatch` (records rewritten with recomputed hashes), `checkpoint-mismatch` (the chain no longer passes through a signed ' +
      'checkpoint: rewritten together with its head), `checkpoint-signature` (a forged checkpoint), `checkpoint-missing` (old records no ' +
      'checkpoint covers: checkpoints deleted), `truncated` (the last records deleted), `beyond-head` (records no head covers).',
  })
  verify() {
    return this.audit.verify();
  }

  @Get('export')
  @ApiOperation({
    summary:
      'NDJSON: the signed checkpoints, then every chained record as stored. Verify it offline with the public key: ' +
      '`npm run audit:verify -- export.ndjson key.pem`',
  })
  @ApiProduces('application/x-ndjson')
  async export(@CurrentUser() user: UserPrincipal, @Req() request: HttpRequest, @Res() res: HttpReply): Promise<void> {
    await this.outbox.append({ action: 'audit.export', actor: `user:${user.username}`, context: httpAuditContext(request), requestParameters: { format: 'ndjson' } });
    await this.audit.settle();
    const checkpoints = (await this.audit.checkpoints(100_000)).reverse();
    const out = takeOverResponse(res);
    out.statusCode = 200;
    out.setHeader('Content-Type', 'application/x-ndjson');
    out.setHeader('Content-Disposition', `attachment; filename="vigil-audit-${new Date().toISOString().slice(0, 10)}.ndjson"`);
    out.write(checkpoints.map((c) => JSON.stringify({ type: 'checkpoint', ...c })).join('\n') + (checkpoints.length ? '\n' : ''));
    for await (const page of this.audit.storedRecords()) {
      const chunk = page
        .map((r) => JSON.stringify({ type: 'record', seq: r.seq, at: r.at, actor: r.actor, action: r.action, sessionId: r.sessionId, detail: r.detail, prevHash: r.prevHash, hash: r.hash }))
        .join('\n');
      if (!out.write(chunk + '\n')) await new Promise((resolve) => out.once('drain', resolve));
    }
    out.end();
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'The signed checkpoints, newest first: keep copies to verify the chain offline (scripts/verify-audit.js)' })
  async checkpoints() {
    return { items: await this.audit.checkpoints(), signingKeyId: this.audit.signingKeyId };
  }

  @Get('signing-key')
  @Header('Content-Type', 'application/x-pem-file')
  @ApiOperation({ summary: "The checkpoints' Ed25519 public key (PEM)" })
  signingKey(): string {
    return this.audit.signingPublicKeyPem;
  }
}
