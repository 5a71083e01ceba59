import { DescribeSessionsCommand, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { DataSource } from 'typeorm';
import { AuditService } from '@vigil/audit';
import { DATABASE_KINDS } from './support/databases';
import { AccessKey, awsCli, boto3, createAccessKey, sdkClient } from './support/ssm-clients';
import { TestGateway, createUser, startTestGateway } from './support/test-gateway';

/**
 * Access keys (POST/GET/PATCH/DELETE /api/access-keys) and what the SSM-compatible API does with
 * them; the errors the issue lists, as the real clients report them.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

/** How the JS SDK reports a call: 'ok', or the error's name and status. */
const outcome = (client: SSMClient, input: object = { State: 'Active' }) =>
  client.send(new DescribeSessionsCommand(input as never)).then(
    () => 'ok',
    (e: SSMServiceException) => `${e.name} ${e.$metadata?.httpStatusCode}`,
  );

describe.each(DATABASE_KINDS)('access keys and SSM errors on %s', (kind) => {
  let gw: TestGateway;
  const tokens = {} as Record<'alice' | 'bob' | 'dora', string>;

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    for (const name of ['alice', 'bob', 'dora'] as const) tokens[name] = await createUser(gw, name, ['owner']);
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
  });

  const api = (method: 'get' | 'post' | 'patch' | 'delete', path: string, token: string) => gw.http[method](path).set('Authorization', `Bearer ${token}`);

  it('POST shows the secret once; it is stored encrypted and never listed; the last use is recorded', async () => {
    const created = await api('post', '/api/access-keys', tokens.alice).send({ description: 'laptop' }).expect(201);
    expect(created.body).toEqual({
      accessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/),
      secretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/),
      username: 'alice',
      active: true,
      description: 'laptop',
      createdAt: expect.any(String),
      lastUsedAt: null,
    });
    const { accessKeyId, secretAccessKey } = created.body as AccessKey;
    const listed = await api('get', '/api/access-keys', tokens.alice).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ accessKeyId, active: true, lastUsedAt: null })]);
    expect(JSON.stringify(listed.body)).not.toContain(secretAccessKey);

    const [row] = await gw.app.get(DataSource).query('SELECT * FROM access_keys WHERE id = $1'.replace('$1', kind === 'postgres' ? '$1' : '?'), [accessKeyId]);
    expect(JSON.stringify(row)).not.toContain(secretAccessKey);
    expect(row.secret_enc).toMatch(/^v1:/);

    const client = sdkClient(gw, { accessKeyId, secretAccessKey });
    await expect(outcome(client)).resolves.toBe('ok');
    const used = await eventually('lastUsedAt', async () => (await api('get', '/api/access-keys', tokens.alice)).body.items[0].lastUsedAt, (v) => v !== null);
    expect(Date.parse(used)).toBeGreaterThan(Date.parse(created.body.createdAt) - 1);
    client.destroy();
  });

  it('a deactivated key is refused at once, by every client; reactivated it works again', async () => {
    const key = await createAccessKey(gw, tokens.bob);
    const client = sdkClient(gw, key);
    await expect(outcome(client)).resolves.toBe('ok');
    await api('patch', `/api/access-keys/${key.accessKeyId}`, tokens.bob).send({ active: false }).expect(200);
    await expect(outcome(client)).resolves.toBe('UnrecognizedClientException 400');
    const cli = await awsCli(gw, key, ['describe-sessions', '--state', 'Active']);
    expect(cli.code).toBe(254);
    expect(cli.stderr).toMatch(/An error occurred \(UnrecognizedClientException\) when calling the DescribeSessions operation.*: The security token included in the request is invalid\./);
    const py = await boto3(gw, key, 'print(json.dumps(error_of(lambda: client.describe_sessions(State="Active"))))');
    expect(py).toMatchObject({ code: 'UnrecognizedClientException', status: 400 });
    await api('patch', `/api/access-keys/${key.accessKeyId}`, tokens.bob).send({ active: true }).expect(200);
    await expect(outcome(client)).resolves.toBe('ok');
    client.destroy();
  }, 60_000);

  it("someone else's key is not found to a user; admins list, deactivate and delete anyone's", async () => {
    const key = await createAccessKey(gw, tokens.dora);
    await api('patch', `/api/access-keys/${key.accessKeyId}`, tokens.alice).send({ active: false }).expect(404);
    await api('delete', `/api/access-keys/${key.accessKeyId}`, tokens.alice).expect(404);
    await api('get', '/api/access-keys?user=dora', tokens.alice).expect(403);
    const mine = (await api('get', '/api/access-keys', tokens.alice).expect(200)).body.items as { accessKeyId: string }[];
    expect(mine.map((k) => k.accessKeyId)).not.toContain(key.accessKeyId);

    const all = (await api('get', '/api/access-keys', gw.adminToken).expect(200)).body.items as { accessKeyId: string; username: string }[];
    expect(all).toContainEqual(expect.objectContaining({ accessKeyId: key.accessKeyId, username: 'dora' }));
    const doras = (await api('get', '/api/access-keys?user=dora', gw.adminToken).expect(200)).body.items as { username: string }[];
    expect(doras.every((k) => k.username === 'dora')).toBe(true);
    await api('patch', `/api/access-keys/${key.accessKeyId}`, gw.adminToken).send({ active: false }).expect(200);
    await api('delete', `/api/access-keys/${key.accessKeyId}`, gw.adminToken).expect(204);
    await api('delete', `/api/access-keys/${key.accessKeyId}`, gw.adminToken).expect(404);
    await expect(outcome(sdkClient(gw, key))).resolves.toBe('UnrecognizedClientException 400');
    await api('patch', '/api/access-keys/not-a-key', gw.adminToken).send({ active: false }).expect(404);
    await api('patch', `/api/access-keys/${key.accessKeyId}`, gw.adminToken).send({ active: 'no' }).expect(400);
  });

  it("a disabled user's keys stop at once and a deleted user's keys are gone", async () => {
    const eveToken = await createUser(gw, 'eve', ['owner']);
    const key = await createAccessKey(gw, eveToken);
    const client = sdkClient(gw, key);
    await expect(outcome(client)).resolves.toBe('ok');
    await gw.http.patch('/api/users/eve').auth(gw.adminToken, { type: 'bearer' }).send({ disabled: true }).expect(200);
    await expect(outcome(client)).resolves.toBe('UnrecognizedClientException 400');
    await gw.http.patch('/api/users/eve').auth(gw.adminToken, { type: 'bearer' }).send({ disabled: false }).expect(200);
    await expect(outcome(client)).resolves.toBe('ok');
    await gw.http.delete('/api/users/eve').auth(gw.adminToken, { type: 'bearer' }).expect(204);
    await expect(outcome(client)).resolves.toBe('UnrecognizedClientException 400');
    await eventually(
      "eve's keys deleted",
      async () => (await api('get', '/api/access-keys', gw.adminToken)).body.items.filter((k: { accessKeyId: string }) => k.accessKeyId === key.accessKeyId).length,
      (n) => n === 0,
    );
    client.destroy();
  });

  it('the errors the issue lists, as the AWS CLI v2, boto3 and the JS SDK report them', async () => {
    const key = await createAccessKey(gw, tokens.alice);
    const sdk = sdkClient(gw, key);
    const cliError = async (args: string[]) => {
      const out = await awsCli(gw, key, args);
      return { code: out.code, error: /An error occurred \((\w+)\)/.exec(out.stderr)?.[1] ?? out.stderr };
    };

    // boto3 checks required members itself, so the SDK sends the missing State below
    const first = await sdk.send(new DescribeSessionsCommand({ State: 'Active', MaxResults: 1 }));
    // shaped like Vigil's tokens (payload.mac), signed with nothing
    const forgedToken = `${Buffer.from(JSON.stringify([1, 'Active', 'x', 'u', 'WzAsIngiXQ'])).toString('base64url')}.${'A'.repeat(43)}`;

    expect({
      'unknown filter key': await cliError(['describe-sessions', '--state', 'Active', '--filters', 'key=Colour,value=red']),
      'forged token': await cliError(['describe-sessions', '--state', 'Active', '--starting-token', forgedToken]),
      'MaxResults 500 (--page-size)': await cliError(['describe-sessions', '--state', 'Active', '--page-size', '500']),
      'unknown operation': await cliError(['get-parameter', '--name', 'db-password']),
      // the last character changed (a fixed replacement would be no change once in ~60 random secrets)
      'wrong secret': await awsCli(gw, { ...key, secretAccessKey: `${key.secretAccessKey.slice(0, -1)}${key.secretAccessKey.endsWith('x') ? 'y' : 'x'}` }, ['describe-sessions', '--state', 'Active']).then((out) => ({
        code: out.code,
        error: /An error occurred \((\w+)\)/.exec(out.stderr)?.[1] ?? out.stderr,
      })),
    }).toEqual({
      'unknown filter key': { code: 254, error: 'InvalidFilterKey' },
      'forged token': { code: 254, error: 'InvalidNextToken' },
      'MaxResults 500 (--page-size)': { code: 254, error: 'ValidationException' },
      'unknown operation': { code: 254, error: 'UnknownOperationException' },
      'wrong secret': { code: 254, error: 'InvalidSignatureException' },
    });
    expect(first.Sessions).toEqual([]);

    const py = await boto3(
      gw,
      key,
      [
        'print(json.dumps({',
        '  "truncated token": error_of(lambda: client.describe_sessions(State="History", NextToken=args["token"][:12])),',
        '  "State Foo": error_of(lambda: client.describe_sessions(State="Foo")),',
        '  "7 filters": error_of(lambda: client.describe_sessions(State="Active", Filters=[{"key": "Target", "value": str(i)} for i in range(7)])),',
        '}))',
      ].join('\n'),
      { token: 'eyJ2IjoxfQ.c2lnbmF0dXJl' },
    );
    expect(py).toEqual({
      'truncated token': expect.objectContaining({ code: 'InvalidNextToken', status: 400 }),
      'State Foo': expect.objectContaining({ code: 'ValidationException', status: 400 }),
      '7 filters': expect.objectContaining({ code: 'ValidationException', status: 400 }),
    });

    // The SDK corrects its clock from a refusal's Date header: only its first call is 20 minutes late.
    const expired = new SSMClient({ endpoint: gw.url, region: 'eu-west-1', credentials: key, maxAttempts: 1, systemClockOffset: -20 * 60_000 });
    const late = (await expired.send(new DescribeSessionsCommand({ State: 'Active' })).catch((e: SSMServiceException) => e)) as SSMServiceException;
    expect({ name: late.name, status: late.$metadata?.httpStatusCode }).toEqual({ name: 'InvalidSignatureException', status: 400 });
    expect(late.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    expect({
      'missing State ({})': await outcome(sdk, {}),
      'MaxResults 500': await outcome(sdk, { State: 'History', MaxResults: 500 }),
    }).toEqual({
      'missing State ({})': 'ValidationException 400',
      'MaxResults 500': 'ValidationException 400',
    });
    sdk.destroy();
    expired.destroy();
  }, 120_000);

  it('audits key changes and SSM calls, refusals with their errorCode, never a secret', async () => {
    const key = await createAccessKey(gw, tokens.bob);
    await api('patch', `/api/access-keys/${key.accessKeyId}`, tokens.bob).send({ active: false }).expect(200);
    await api('patch', `/api/access-keys/${key.accessKeyId}`, tokens.bob).send({ active: true }).expect(200);
    const client = sdkClient(gw, key);
    await outcome(client, { State: 'Active', Filters: [{ key: 'Colour', value: 'red' }] });
    await outcome(sdkClient(gw, { ...key, secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret-00' }));
    await api('delete', `/api/access-keys/${key.accessKeyId}`, tokens.bob).expect(204);
    const audit = gw.app.get(AuditService);
    const mine = await eventually(
      'the audit records',
      async () => {
        await audit.settle();
        return (await audit.recent(500)).filter((e) => JSON.stringify(e).includes(key.accessKeyId)).reverse();
      },
      (records) => records.length >= 6,
    );
    expect(mine.map((e) => [e.actor, e.action, e.errorCode ?? null])).toEqual([
      ['user:bob', 'access-key.create', null],
      ['user:bob', 'access-key.update', null],
      ['user:bob', 'access-key.update', null],
      ['user:bob', 'ssm.DescribeSessions', 'InvalidFilterKey'],
      ['user:bob', 'ssm.DescribeSessions', 'InvalidSignatureException'],
      ['user:bob', 'access-key.delete', null],
    ]);
    expect(mine[3]).toMatchObject({
      eventSource: 'ssm.amazonaws.com',
      eventName: 'DescribeSessions',
      readOnly: true,
      userIdentity: { userName: 'bob', accessKeyId: key.accessKeyId },
      requestParameters: { state: 'Active', filters: [{ key: 'Colour', value: 'red' }] },
      sourceIPAddress: '127.0.0.1',
      requestID: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(mine[0]).toMatchObject({ eventSource: 'vigil.iam', eventName: 'CreateAccessKey', requestParameters: { accessKeyId: key.accessKeyId, user: 'bob' } });
    expect(JSON.stringify(mine)).not.toContain(key.secretAccessKey);
    client.destroy();
  });
});
