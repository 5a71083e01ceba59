import { Injectable } from '@nestjs/common';
import { AwsErrors, AwsJsonOperation } from '@vigil/aws-protocol';
import { auditedSessionId, sessionIdOf } from './session-id-input';
import { SsmErrors } from './ssm-errors';

/**
 * StartSession and ResumeSession would answer a StreamUrl for Session Manager's data channel (a
 * binary WebSocket protocol between session-manager-plugin and SSM Agent), which Vigil does not
 * serve: it brokers SSH through its jump instead. Rather than a stream no client could use, both
 * answer SSM's documented errors, the same whether or not the target or session exists.
 */
const NO_STREAM = 'Vigil serves no Session Manager data stream; connect through the Vigil SSH jump instead (ssh -p <jump port> <vigil user>+<target>@<vigil host>)';

@Injectable()
export class StartSessionOperation implements AwsJsonOperation {
  async handle(input: Record<string, unknown>): Promise<object> {
    const { Target, DocumentName, Reason, Parameters } = input;
    if (Target !== undefined && Target !== null && typeof Target !== 'string') throw AwsErrors.serialization('Target must be a string');
    if (DocumentName !== undefined && DocumentName !== null && typeof DocumentName !== 'string') throw AwsErrors.serialization('DocumentName must be a string');
    if (Reason !== undefined && Reason !== null && typeof Reason !== 'string') throw AwsErrors.serialization('Reason must be a string');
    if (Parameters !== undefined && Parameters !== null && (typeof Parameters !== 'object' || Array.isArray(Parameters))) throw AwsErrors.serialization('Parameters must be a map');
    if (Target === undefined || Target === null) throw AwsErrors.validation("1 validation error detected: Value null at 'target' failed to satisfy constraint: Member must not be null");
    if (Target.length < 1 || Target.length > 400) throw AwsErrors.validation("1 validation error detected: Value at 'target' failed to satisfy constraint: Member must have length between 1 and 400");
    if (typeof Reason === 'string' && !/^.{1,256}$/.test(Reason)) {
      throw AwsErrors.validation("1 validation error detected: Value at 'reason' failed to satisfy constraint: Member must satisfy regular expression pattern: ^.{1,256}$");
    }
    throw SsmErrors.targetNotConnected(`${Target.slice(0, 400)} is not connected. ${NO_STREAM}`);
  }

  describe(input: Record<string, unknown>) {
    return { parameters: { target: typeof input.Target === 'string' ? input.Target.slice(0, 400) : null } };
  }
}

@Injectable()
export class ResumeSessionOperation implements AwsJsonOperation {
  async handle(input: Record<string, unknown>): Promise<object> {
    const id = sessionIdOf(input);
    throw SsmErrors.doesNotExist(`Session ${id} cannot be resumed. ${NO_STREAM}`);
  }

  describe(input: Record<string, unknown>) {
    return auditedSessionId(input);
  }
}
