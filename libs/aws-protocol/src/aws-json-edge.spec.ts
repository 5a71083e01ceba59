import type { UserPrincipal } from '@vigil/auth';
import type { AuditEntry } from '@vigil/common';
import { AwsCredential, AwsCredentialSource } from './aws-credential-source';
import { AwsError } from './aws-error';
import { AwsJsonEdge } from './aws-json-edge';
import { AwsCall, AwsJsonRegistry } from './aws-json-service';
import { SigV4Verifier } from './sigv4-verifier';
import { signedRequest, withHeader } from './test-signing';

const ALICE: UserPrincipal = { kind: 'user', id: 'u-1', username: 'alice', roles: ['owner'], privileges: [] };
const KEY_ID = 'AKIAABCDEFGHIJKLMNOP';
const SECRET = 'secret-of-alice-0123456789012345678901';
const NOW = Date.UTC(2024, 7, 29, 12, 0, 0);
const META = { sourceIp: '10.1.2.3', origin: 'http://127.0.0.1:8080', userAgent: 'aws-cli/2.9.19' };

class OneKey extends AwsCredentialSource {
  async find(id: string): Promise<AwsCredential | null> {
    return id === KEY_ID ? { accessKeyId: id, secretAccessKey: SECRET, user: ALICE } : null;
  }
  recordUse(): void {}
}

function setup(options: { auditFails?: boolean } = {}) {
  const audits: AuditEntry[] = [];
  const calls: { input: Record<string, unknown>; call: AwsCall }[] = [];
  const registry = new AwsJsonRegistry();
  registry.register({
    targetPrefix: 'AmazonSSM',
    signingName: 'ssm',
    auditPrefix: 'ssm',
    operations: {
      DescribeSessions: {
        handle: async (input, call) => {
          calls.push({ input, call });
          return { Sessions: [], echo: input.State };
        },
        describe: (input) => ({ parameters: { state: input.State } }),
      },
      TerminateSession: {
        handle: async (input, call) => {
          if (input.SessionId === 'recorded-by-the-change') {
            // the operation wrote the call's record in its change's transaction
            calls.push({ input, call });
            call.recorded = true;
            return { SessionId: input.SessionId };
          }
          throw new AwsError('DoesNotExistException', 400, 'no such session');
        },
      },
      ResumeSession: {
        handle: async () => {
          throw new Error('a bug, with a stack trace /srv/vigil/secret-path.ts');
        },
      },
    },
  });
  let n = 0;
  const write = async (entry: AuditEntry) => {
    if (options.auditFails) throw new Error('database is locked');
    audits.push(entry);
  };
  const edge = new AwsJsonEdge(registry, new SigV4Verifier(new OneKey(), { now: () => NOW }), write, () => `req-${++n}`);
  return { edge, audits, calls };
}

const sign = (over: Partial<Parameters<typeof signedRequest>[0]> = {}) =>
  signedRequest({ accessKeyId: KEY_ID, secretAccessKey: SECRET, date: new Date(NOW), body: '{"State":"Active"}', ...over });
const bodyOf = (answer: { body: string }) => JSON.parse(answer.body) as Record<string, unknown>;

describe('AwsJsonEdge', () => {
  it('dispatches a verified call by X-Amz-Target and answers awsJson1_1 with a request id', async () => {
    const { edge, calls, audits } = setup();
    const answer = await edge.handle(await sign(), META);
    expect(answer).toEqual({
      status: 200,
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'req-1' },
      body: JSON.stringify({ Sessions: [], echo: 'Active' }),
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].call).toMatchObject({ requestId: 'req-1', accessKeyId: KEY_ID, user: ALICE, region: 'us-east-1', sourceIp: '10.1.2.3', origin: META.origin });
    const context = { sourceIp: '10.1.2.3', userAgent: 'aws-cli/2.9.19', requestId: 'req-1', accessKeyId: KEY_ID, eventSource: 'ssm.amazonaws.com' };
    expect(calls[0].call.auditContext).toEqual(context);
    expect(audits).toEqual([{ actor: 'user:alice', action: 'ssm.DescribeSessions', sessionId: null, context, requestParameters: { state: 'Active' } }]);
  });

  it('writes no record of its own for a call whose operation recorded it in its change, and keeps recording refusals', async () => {
    const { edge, audits, calls } = setup();
    const answer = await edge.handle(await sign({ target: 'AmazonSSM.TerminateSession', body: '{"SessionId":"recorded-by-the-change"}' }), META);
    expect(answer.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0].call.auditContext).toMatchObject({ requestId: 'req-1', eventSource: 'ssm.amazonaws.com', accessKeyId: KEY_ID });
    expect(audits).toEqual([]);
    await edge.handle(await sign({ target: 'AmazonSSM.TerminateSession', body: '{"SessionId":"other"}' }), META);
    expect(audits.map((a) => [a.action, a.errorCode, a.context?.requestId])).toEqual([['ssm.TerminateSession', 'DoesNotExistException', 'req-2']]);
  });

  it('answers InternalServerError, not the result, when the call cannot be recorded', async () => {
    const { edge, calls } = setup({ auditFails: true });
    const answer = await edge.handle(await sign(), META);
    expect(calls).toHaveLength(1); // the read ran ...
    expect(answer.status).toBe(500); // ... but nothing of it leaves unrecorded
    expect(bodyOf(answer)).toEqual({ __type: 'InternalServerError', message: 'An internal error occurred (request req-1)' });
    expect(answer.body).not.toContain('Sessions');
    const refused = await edge.handle(await sign({ target: 'AmazonSSM.TerminateSession', body: '{"SessionId":"x"}' }), META);
    expect(bodyOf(refused).__type).toBe('InternalServerError');
  });

  it('answers every refusal in AWS shape: status, {__type, message}, x-amzn-ErrorType, x-amzn-RequestId; none a 5xx', async () => {
    const { edge, calls } = setup();
    const good = await sign();
    const cases: [string, Promise<Awaited<ReturnType<typeof sign>>>, number, string][] = [
      ['wrong content type', Promise.resolve(withHeader(good, 'content-type', 'application/json')), 415, 'UnsupportedMediaTypeException'],
      ['no target', Promise.resolve(withHeader(good, 'x-amz-target')), 400, 'UnknownOperationException'],
      ['unknown service', sign({ target: 'AmazonEC2.DescribeInstances' }), 400, 'UnknownOperationException'],
      ['unknown operation', sign({ target: 'AmazonSSM.GetParameter' }), 400, 'UnknownOperationException'],
      ['an inherited name is no operation', sign({ target: 'AmazonSSM.constructor' }), 400, 'UnknownOperationException'],
      ['duplicated content type', Promise.resolve(withHeader(good, 'content-type', 'application/x-amz-json-1.1', 'application/json')), 400, 'IncompleteSignatureException'],
      ['malformed JSON', sign({ body: '{"State":' }), 400, 'SerializationException'],
      ['a JSON array', sign({ body: '[1]' }), 400, 'SerializationException'],
      ['wrong secret', sign({ secretAccessKey: 'nope' }), 400, 'InvalidSignatureException'],
      ['the operation refuses', sign({ target: 'AmazonSSM.TerminateSession' }), 400, 'DoesNotExistException'],
    ];
    for (const [label, request, status, type] of cases) {
      const answer = await edge.handle(await request, META);
      expect({ label, status: answer.status, type: bodyOf(answer).__type, header: answer.headers['x-amzn-ErrorType'] }).toEqual({ label, status, type, header: type });
      expect(typeof bodyOf(answer).message).toBe('string');
      expect(answer.headers['x-amzn-RequestId']).toMatch(/^req-\d+$/);
    }
    expect(calls).toHaveLength(0);
  });

  it('turns an unexpected failure into InternalServerError without its details', async () => {
    const { edge, audits } = setup();
    const answer = await edge.handle(await sign({ target: 'AmazonSSM.ResumeSession' }), META);
    expect(answer.status).toBe(500);
    expect(bodyOf(answer)).toEqual({ __type: 'InternalServerError', message: 'An internal error occurred (request req-1)' });
    expect(answer.body).not.toContain('secret-path');
    expect(audits[0]).toMatchObject({ action: 'ssm.ResumeSession', errorCode: 'InternalServerError' });
  });

  it('audits refusals of a real key (with errorCode), never those of an unknown key', async () => {
    const { edge, audits } = setup();
    await edge.handle(await sign({ secretAccessKey: 'nope' }), META);
    await edge.handle(await sign({ target: 'AmazonSSM.TerminateSession', body: '{"SessionId":"x"}' }), META);
    await edge.handle(await sign({ accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ' }), META);
    expect(audits.map((a) => [a.action, a.errorCode])).toEqual([
      ['ssm.DescribeSessions', 'InvalidSignatureException'],
      ['ssm.TerminateSession', 'DoesNotExistException'],
    ]);
  });

  it('refuses a second service with the same target prefix', () => {
    const registry = new AwsJsonRegistry();
    registry.register({ targetPrefix: 'AmazonSSM', signingName: 'ssm', auditPrefix: 'ssm', operations: {} });
    expect(() => registry.register({ targetPrefix: 'AmazonSSM', signingName: 'ssm', auditPrefix: 'ssm', operations: {} })).toThrow(/already registered/);
  });

  it('resolves dotted target prefixes (CloudTrail’s) by the last dot', () => {
    const registry = new AwsJsonRegistry();
    const service = { targetPrefix: 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101', signingName: 'cloudtrail', auditPrefix: 'cloudtrail', operations: {} };
    registry.register(service);
    expect(registry.resolve('com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents')).toEqual({ service, operationName: 'LookupEvents' });
    expect(registry.resolve('LookupEvents')).toBeNull();
  });
});
