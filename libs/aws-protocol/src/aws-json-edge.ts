import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { AUDIT_VOCABULARY, AuditContext, AuditEntry, NUL_REFUSED, holdsNul, isAuditAction } from '@vigil/common';
import { AwsCredential } from './aws-credential-source';
import { AwsError, AwsErrors } from './aws-error';
import { AwsCall, AwsJsonOperation, AwsJsonRegistry, AwsJsonService } from './aws-json-service';
import { ReceivedRequest, headerOf } from './received-request';
import { SigV4Verifier } from './sigv4-verifier';

export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const CONTENT_TYPE = /^application\/x-amz-json-1\.1\s*(;\s*charset=utf-8\s*)?$/i;
/** Headers whose meaning must not depend on which copy a parser keeps. */
const SINGLE_HEADERS = ['authorization', 'content-type', 'host', 'x-amz-target', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'];

export interface AwsAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface AwsRequestMeta {
  sourceIp: string;
  origin: string;
  userAgent?: string;
}

/** Writes one audit record and resolves once it is committed (AuditOutbox.append in the app). */
export type AwsAuditWriter = (entry: AuditEntry) => Promise<unknown>;

/**
 * The awsJson1_1 protocol edge, without sockets: protocol checks, the SigV4 check, dispatch by
 * `X-Amz-Target`, and every answer in AWS's shape (`{__type, message}` bodies and
 * `x-amzn-ErrorType` on errors, `x-amzn-RequestId` always). Order: duplicated headers, content
 * type, target service, signature, operation, JSON body, the operation itself; each step's
 * refusal is a 4xx, never a 5xx.
 *
 * Calls that reach a known operation are audited, refused or not, and the record is committed
 * before the answer leaves: a call whose record cannot be written is answered
 * InternalServerError (a read gives nothing away unrecorded). An operation that changes
 * something writes its own record in the change's transaction (with `call.auditContext`) and
 * sets `call.recorded`: the edge then writes none, so the change has exactly one record.
 */
export class AwsJsonEdge {
  private readonly logger = new Logger('AwsJsonEdge');

  constructor(
    private readonly registry: AwsJsonRegistry,
    private readonly verifier: SigV4Verifier,
    private readonly audit: AwsAuditWriter,
    private readonly newRequestId: () => string = randomUUID,
  ) {}

  async handle(request: ReceivedRequest, meta: AwsRequestMeta): Promise<AwsAnswer> {
    const requestId = this.newRequestId();
    try {
      return answer(requestId, 200, await this.dispatch(request, meta, requestId));
    } catch (error) {
      if (error instanceof AwsError) return errorAnswer(requestId, error);
      this.logger.error(`unhandled error in AWS request ${requestId}: ${(error as Error)?.stack ?? String(error)}`);
      return errorAnswer(requestId, AwsErrors.internal(requestId));
    }
  }

  private async dispatch(request: ReceivedRequest, meta: AwsRequestMeta, requestId: string): Promise<object> {
    for (const name of SINGLE_HEADERS) {
      if ((request.headers.get(name)?.length ?? 0) > 1) throw AwsErrors.incompleteSignature(`Header '${name}' appears more than once`);
    }
    const contentType = headerOf(request, 'content-type') ?? '';
    if (!CONTENT_TYPE.test(contentType)) throw AwsErrors.unsupportedMediaType(contentType);
    const target = headerOf(request, 'x-amz-target') ?? '';
    const resolved = this.registry.resolve(target);
    if (!resolved) throw AwsErrors.unknownOperation(target);
    const { service, operationName } = resolved;
    const operation = Object.hasOwn(service.operations, operationName) ? service.operations[operationName] : undefined;

    const verdict = await this.verifier.verify(request, service.signingName);
    if (!verdict.ok) {
      // A real key with a wrong signature is someone holding the key id: worth a record.
      if (verdict.credential && operation) {
        const context = auditContextOf(service, operationName, verdict.credential, meta, requestId);
        await this.record(service, operationName, operation, {}, verdict.credential, context, verdict.error);
      }
      throw verdict.error;
    }
    if (!operation) throw AwsErrors.unknownOperation(target);
    const auditContext = auditContextOf(service, operationName, verdict.credential, meta, requestId);
    const call: AwsCall = {
      requestId,
      accessKeyId: verdict.credential.accessKeyId,
      user: verdict.credential.user,
      region: verdict.region,
      sourceIp: meta.sourceIp,
      origin: meta.origin,
      auditContext,
      recorded: false,
    };
    let input: Record<string, unknown> = {};
    let output: object;
    try {
      input = parseBody(request.body);
      output = await operation.handle(input, call);
    } catch (error) {
      if (!call.recorded) {
        await this.record(service, operationName, operation, input, verdict.credential, auditContext, error instanceof AwsError ? error : AwsErrors.internal(requestId));
      }
      throw error;
    }
    if (!call.recorded) await this.record(service, operationName, operation, input, verdict.credential, auditContext);
    return output;
  }

  /** Writes the call's record; if it cannot be written, the call is answered InternalServerError. */
  private async record(
    service: AwsJsonService,
    operationName: string,
    operation: AwsJsonOperation,
    input: Record<string, unknown>,
    credential: AwsCredential,
    context: AuditContext,
    error?: AwsError,
  ): Promise<void> {
    const action = `${service.auditPrefix}.${operationName}`;
    if (!isAuditAction(action)) {
      // a registration mistake, not the caller's: refuse rather than answer unrecorded
      this.logger.error(`no audit action ${action}: add it to AUDIT_VOCABULARY`);
      throw AwsErrors.internal(context.requestId ?? '');
    }
    let described: ReturnType<NonNullable<AwsJsonOperation['describe']>> = {};
    try {
      described = operation.describe?.(input) ?? {};
    } catch {
      // an input too broken to describe is still a call worth recording
    }
    try {
      await this.audit({
        action,
        actor: `user:${credential.user.username}`,
        sessionId: described.sessionId ?? null,
        context,
        requestParameters: described.parameters ?? null,
        ...(error ? { errorCode: error.type, errorMessage: error.message.slice(0, 256) } : {}),
      });
    } catch (writeError) {
      this.logger.error(`audit record of ${action} (request ${context.requestId}) could not be written: ${(writeError as Error).message}`);
      throw AwsErrors.internal(context.requestId ?? '');
    }
  }
}

/** Where a verified (or wrongly signed) call came from, as its audit record says it. */
function auditContextOf(service: AwsJsonService, operationName: string, credential: AwsCredential, meta: AwsRequestMeta, requestId: string): AuditContext {
  const action = `${service.auditPrefix}.${operationName}`;
  return {
    sourceIp: meta.sourceIp,
    ...(meta.userAgent ? { userAgent: meta.userAgent.slice(0, 256) } : {}),
    requestId,
    accessKeyId: credential.accessKeyId,
    // the service's own source (ssm.amazonaws.com), also on records its operations write themselves
    ...(isAuditAction(action) ? { eventSource: AUDIT_VOCABULARY[action].eventSource } : {}),
  };
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw AwsErrors.serialization(`Request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw AwsErrors.serialization('Request body must be a JSON object');
  if (holdsNul(parsed)) throw AwsErrors.validation(NUL_REFUSED);
  return parsed as Record<string, unknown>;
}

function answer(requestId: string, status: number, body: object, extra: Record<string, string> = {}): AwsAnswer {
  return {
    status,
    headers: { 'Content-Type': AWS_JSON_CONTENT_TYPE, 'x-amzn-RequestId': requestId, ...extra },
    body: JSON.stringify(body),
  };
}

export function errorAnswer(requestId: string, error: AwsError): AwsAnswer {
  return answer(requestId, error.status, { __type: error.type, message: error.message }, { 'x-amzn-ErrorType': error.type });
}
