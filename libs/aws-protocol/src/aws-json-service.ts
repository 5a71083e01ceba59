import type { UserPrincipal } from '@vigil/auth';
import type { AuditContext } from '@vigil/common';

/** Who made a verified call, and from where. */
export interface AwsCall {
  requestId: string;
  accessKeyId: string;
  user: UserPrincipal;
  /** the region of the credential scope (any is accepted) */
  region: string;
  sourceIp: string;
  /** `http(s)://host[:port]` as the client addressed the gateway (the signed Host): for absolute URLs in answers */
  origin: string;
  /** the call as its audit record describes it (source, user agent, request id, key, eventSource) */
  auditContext: AuditContext;
  /**
   * Set by an operation that wrote the call's record itself, in the transaction of the change it
   * made (TerminateSession): the edge then writes none. Left false, the edge records the call.
   */
  recorded: boolean;
}

/** One operation: a JSON object in, a JSON object out, or an AwsError thrown. */
export interface AwsJsonOperation {
  handle(input: Record<string, unknown>, call: AwsCall): Promise<object>;
  /** what the audit record keeps of the request: never a secret, bounded in size */
  describe?(input: Record<string, unknown>): { sessionId?: string; parameters?: Record<string, unknown> };
}

/**
 * An AWS-shaped API served on the shared awsJson1_1 edge (`POST /`). Operations are found by
 * `X-Amz-Target: <targetPrefix>.<Operation>`; the credential scope must name `signingName`; every
 * call is audited as `<auditPrefix>.<Operation>` (those actions must be in AUDIT_ACTIONS).
 */
export interface AwsJsonService {
  targetPrefix: string;
  signingName: string;
  auditPrefix: string;
  operations: Readonly<Record<string, AwsJsonOperation>>;
}

/** The services the edge serves; feature modules register theirs at startup. */
export class AwsJsonRegistry {
  private readonly services = new Map<string, AwsJsonService>();

  register(service: AwsJsonService): void {
    if (this.services.has(service.targetPrefix)) throw new Error(`an AWS JSON service with target prefix ${service.targetPrefix} is already registered`);
    this.services.set(service.targetPrefix, service);
  }

  /** The service and operation an `X-Amz-Target` names (the prefix may itself contain dots). */
  resolve(target: string): { service: AwsJsonService; operationName: string } | null {
    const dot = target.lastIndexOf('.');
    if (dot <= 0) return null;
    const service = this.services.get(target.slice(0, dot));
    return service ? { service, operationName: target.slice(dot + 1) } : null;
  }
}
