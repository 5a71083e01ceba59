import { AwsErrors } from '@vigil/aws-protocol';

/** `SessionId`: a required string of 1..96 characters (SSM's SessionId shape). */
export function sessionIdOf(input: Record<string, unknown>): string {
  const id = input.SessionId;
  if (id !== undefined && id !== null && typeof id !== 'string') throw AwsErrors.serialization('SessionId must be a string');
  if (id === undefined || id === null) throw AwsErrors.validation("1 validation error detected: Value null at 'sessionId' failed to satisfy constraint: Member must not be null");
  if (id.length < 1 || id.length > 96) {
    throw AwsErrors.validation(`1 validation error detected: Value at 'sessionId' failed to satisfy constraint: Member must have length between 1 and 96`);
  }
  return id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the audit record keeps of a session id: the id when it can be one, nothing otherwise. */
export function auditedSessionId(input: Record<string, unknown>) {
  const id = input.SessionId;
  return typeof id === 'string' && UUID.test(id) ? { sessionId: id } : { parameters: { sessionId: typeof id === 'string' ? id.slice(0, 96) : null } };
}
