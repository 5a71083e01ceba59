import { DATABASE_KINDS } from './support/databases';
import { AccessKey, RawOptions, createAccessKey, rawSsm } from './support/ssm-clients';
import { TestGateway, createUser, startTestGateway } from './support/test-gateway';

/**
 * Requests no AWS client would send, over a plain socket, each signed correctly but for its one
 * defect: every one gets its AWS error (`__type` in the body and `x-amzn-ErrorType`, a request id,
 * the status SSM answers with) and none a 5xx. The gateway stays healthy afterwards.
 */
const HOUR = 3_600_000;
const filters = (...pairs: [string, string][]) => JSON.stringify({ State: 'Active', Filters: pairs.map(([key, value]) => ({ key, value })) });
const editAuth = (from: RegExp | string, to: string) => (h: Record<string, string>) => {
  h.authorization = h.authorization.replace(from, to);
};

interface Row {
  label: string;
  /** null: sent unsigned; 'unknown': signed with a key Vigil never issued */
  key?: 'alice' | null | 'unknown';
  options: RawOptions;
  status: number;
  type: string;
}

const ROWS: Row[] = [
  // body
  { label: 'malformed JSON', options: { body: '{"State": "Active"' }, status: 400, type: 'SerializationException' },
  { label: 'a JSON array', options: { body: '[{"State":"Active"}]' }, status: 400, type: 'SerializationException' },
  { label: 'a JSON string', options: { body: '"Active"' }, status: 400, type: 'SerializationException' },
  { label: 'bytes that are not UTF-8 JSON', options: { body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, status: 400, type: 'SerializationException' },
  { label: 'an empty body (no State)', options: { body: '' }, status: 400, type: 'ValidationException' },
  { label: 'a body over 64 KiB', options: { body: JSON.stringify({ State: 'Active', pad: 'x'.repeat(70_000) }) }, status: 413, type: 'RequestEntityTooLargeException' },
  { label: 'a 2 MB body', options: { body: Buffer.alloc(2_000_000, 0x20) }, status: 413, type: 'RequestEntityTooLargeException' },
  // protocol
  { label: 'Content-Type application/json', options: { contentType: 'application/json' }, status: 415, type: 'UnsupportedMediaTypeException' },
  { label: 'Content-Type text/plain', options: { contentType: 'text/plain' }, status: 415, type: 'UnsupportedMediaTypeException' },
  { label: 'Content-Type of JSON 1.0', options: { contentType: 'application/x-amz-json-1.0' }, status: 415, type: 'UnsupportedMediaTypeException' },
  { label: 'no X-Amz-Target', options: { tamper: (h) => void delete h['x-amz-target'] }, status: 400, type: 'UnknownOperationException' },
  { label: 'another service’s target', options: { target: 'AmazonEC2.DescribeInstances' }, status: 400, type: 'UnknownOperationException' },
  { label: 'an unknown SSM operation', options: { target: 'AmazonSSM.GetParameter' }, status: 400, type: 'UnknownOperationException' },
  { label: 'a target naming a prototype member', options: { target: 'AmazonSSM.__proto__' }, status: 400, type: 'UnknownOperationException' },
  // Authorization
  { label: 'no Authorization', key: null, options: {}, status: 400, type: 'MissingAuthenticationTokenException' },
  { label: 'a Vigil bearer token instead', options: { tamper: (h) => void (h.authorization = 'Bearer vgu_0123456789') }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'a garbled Authorization', options: { tamper: (h) => void (h.authorization = 'AWS4-HMAC-SHA256 Credential') }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'a truncated signature', options: { tamper: editAuth(/.{8}$/, '') }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'no SignedHeaders', options: { tamper: editAuth(/SignedHeaders=[^,]+, /, '') }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'Host not among the signed headers', options: { tamper: editAuth('content-type;host;', 'content-type;') }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'a signature of another request', options: { tamper: editAuth(/Signature=[0-9a-f]{64}/, `Signature=${'0'.repeat(64)}`) }, status: 400, type: 'InvalidSignatureException' },
  { label: 'an access key Vigil never issued', key: 'unknown', options: {}, status: 400, type: 'UnrecognizedClientException' },
  { label: 'a session token', options: { extraRawHeaders: [['x-amz-security-token', 'FwoGZXIvYXdzEXAMPLE']] }, status: 400, type: 'UnrecognizedClientException' },
  // credential scope
  { label: 'a scope for another service (ec2)', options: { service: 'ec2' }, status: 400, type: 'InvalidSignatureException' },
  { label: 'a garbled region in the scope', options: { region: 'US_EAST!' }, status: 400, type: 'InvalidSignatureException' },
  { label: 'a wrong scope terminator', options: { tamper: editAuth('/aws4_request', '/aws4_reqest') }, status: 400, type: 'InvalidSignatureException' },
  { label: 'a scope date that is not X-Amz-Date’s', options: { tamper: editAuth(/\/(\d{8})\//, '/20000101/') }, status: 400, type: 'InvalidSignatureException' },
  // X-Amz-Date
  { label: 'no X-Amz-Date', options: { tamper: (h) => void delete h['x-amz-date'] }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'X-Amz-Date not in basic ISO-8601', options: { tamper: (h) => void (h['x-amz-date'] = new Date().toISOString()) }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'signed an hour ago (expired)', options: { date: new Date(Date.now() - HOUR) }, status: 400, type: 'InvalidSignatureException' },
  { label: 'signed an hour ahead', options: { date: new Date(Date.now() + HOUR) }, status: 400, type: 'InvalidSignatureException' },
  // integrity
  { label: 'the body changed after signing (no body hash)', options: { sendBody: '{"State":"History"}' }, status: 400, type: 'InvalidSignatureException' },
  { label: 'the body changed after signing its hash', options: { signBodyHash: true, sendBody: '{"State":"History"}' }, status: 400, type: 'InvalidSignatureException' },
  // duplicated headers
  { label: 'X-Amz-Target twice', options: { extraRawHeaders: [['x-amz-target', 'AmazonSSM.TerminateSession']] }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'Authorization twice', options: { tamper: (h, extra) => void extra.push(['authorization', h.authorization]) }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'X-Amz-Date twice', options: { extraRawHeaders: [['x-amz-date', '20000101T000000Z']] }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'Host twice', options: { extraRawHeaders: [['host', 'evil.example:80']] }, status: 400, type: 'IncompleteSignatureException' },
  { label: 'Content-Type twice', options: { extraRawHeaders: [['content-type', 'application/x-amz-json-1.1']] }, status: 400, type: 'IncompleteSignatureException' },
  // DescribeSessions input
  { label: 'State missing', options: { body: '{}' }, status: 400, type: 'ValidationException' },
  { label: 'State Foo', options: { body: '{"State":"Foo"}' }, status: 400, type: 'ValidationException' },
  { label: 'MaxResults 500', options: { body: '{"State":"Active","MaxResults":500}' }, status: 400, type: 'ValidationException' },
  { label: 'MaxResults "20" (a string)', options: { body: '{"State":"Active","MaxResults":"20"}' }, status: 400, type: 'SerializationException' },
  { label: 'a filter value over 400 characters', options: { body: filters(['Target', 'x'.repeat(401)]) }, status: 400, type: 'ValidationException' },
  { label: '7 filters', options: { body: filters(...Array.from({ length: 7 }, (_, i): [string, string] => ['Target', `t${i}`])) }, status: 400, type: 'ValidationException' },
  { label: 'an unknown filter key', options: { body: filters(['Colour', 'red']) }, status: 400, type: 'InvalidFilterKey' },
  { label: 'a bad date (not a date)', options: { body: filters(['InvokedAfter', 'last tuesday']) }, status: 400, type: 'ValidationException' },
  { label: 'a bad date (February 30th)', options: { body: filters(['InvokedBefore', '2024-02-30T00:00:00Z']) }, status: 400, type: 'ValidationException' },
  { label: 'an unknown status', options: { body: filters(['Status', 'Running']) }, status: 400, type: 'ValidationException' },
  { label: 'a forged NextToken', options: { body: '{"State":"Active","NextToken":"eyJ2IjoxfQ.AAAA"}' }, status: 400, type: 'InvalidNextToken' },
  // other operations
  { label: 'TerminateSession without SessionId', options: { target: 'AmazonSSM.TerminateSession', body: '{}' }, status: 400, type: 'ValidationException' },
  { label: 'TerminateSession with a 97-character id', options: { target: 'AmazonSSM.TerminateSession', body: JSON.stringify({ SessionId: 'x'.repeat(97) }) }, status: 400, type: 'ValidationException' },
  { label: 'TerminateSession of an unknown session', options: { target: 'AmazonSSM.TerminateSession', body: '{"SessionId":"0190f0aa-0000-7000-8000-000000000000"}' }, status: 400, type: 'DoesNotExistException' },
  { label: 'StartSession without Target', options: { target: 'AmazonSSM.StartSession', body: '{}' }, status: 400, type: 'ValidationException' },
];

describe.each(DATABASE_KINDS)('SSM bad requests on %s', (kind) => {
  let gw: TestGateway;
  let alice: AccessKey;

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    alice = await createAccessKey(gw, await createUser(gw, 'alice', ['owner']));
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
  });

  it(`answers each of ${ROWS.length} bad requests with its AWS error and status, never a 5xx`, async () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(25);
    const seen: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const row of ROWS) {
      const key = row.key === null ? null : row.key === 'unknown' ? { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: alice.secretAccessKey } : alice;
      const answer = await rawSsm(gw, key, row.options);
      const type = answer.body?.__type;
      const consistent =
        answer.headers['x-amzn-errortype'] === type &&
        typeof answer.body?.message === 'string' &&
        /^[0-9a-f-]{36}$/.test(String(answer.headers['x-amzn-requestid'])) &&
        answer.headers['content-type'] === 'application/x-amz-json-1.1';
      seen[row.label] = `${answer.status} ${type}${consistent ? '' : ` (inconsistent: ${JSON.stringify({ headers: answer.headers, text: answer.text.slice(0, 200) })})`}`;
      expected[row.label] = `${row.status} ${row.type}`;
    }
    expect(seen).toEqual(expected);
    expect(Object.values(seen).filter((s) => s.startsWith('5'))).toEqual([]);
    await gw.http.get('/health').expect(200);
  }, 120_000);

  it('a correctly signed request still works after all that (the answer the rows were spoiling)', async () => {
    const answer = await rawSsm(gw, alice, {});
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ Sessions: [] });
  });
});
