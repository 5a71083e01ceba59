/**
 * Realistic Vigil envelopes (EventBridge shape, see /tmp/issue9-design.md) for pattern specs.
 * Deliberately plain data: each spec derives variants with `withDetail`.
 */
export const SESSION_ARN = 'arn:aws:ssm:vigil:000000000000:session/alice-0a1b2c3d4e5f';

export const terminateCall = {
  version: '0',
  id: '6f1c2a7e-4b1d-5c3e-9f00-0123456789ab',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.ssm',
  account: '000000000000',
  time: '2026-12-01T10:15:30Z',
  region: 'vigil',
  resources: [SESSION_ARN],
  detail: {
    eventVersion: '1.08',
    eventID: '0d9d4f5e-1111-4c1a-8a7b-222233334444',
    eventTime: '2026-12-01T10:15:30Z',
    eventSource: 'ssm.amazonaws.com',
    eventName: 'TerminateSession',
    eventType: 'AwsApiCall',
    awsRegion: 'vigil',
    userIdentity: { type: 'IAMUser', userName: 'alice', principalId: 'alice', accessKeyId: 'AKIAVIGILEXAMPLE0001' },
    sourceIPAddress: '10.0.0.33',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.5',
    requestParameters: { sessionId: 'alice-0a1b2c3d4e5f' },
    responseElements: null,
    errorMessage: '',
    readOnly: false,
    requestID: '7a1e0c55-aaaa-4bbb-8ccc-ddddeeeeffff',
    managementEvent: true,
    recipientAccountId: '000000000000',
    resources: [{ type: 'AWS::SSM::Session', ARN: SESSION_ARN }],
    sessionId: 'alice-0a1b2c3d4e5f',
  },
};

export const sessionStateChange = {
  version: '0',
  id: '9b2d3c4e-5f60-5a7b-8c9d-0e1f2a3b4c5d',
  'detail-type': 'Vigil Session State Change',
  source: 'vigil',
  account: '000000000000',
  time: '2026-12-01T10:15:30Z',
  region: 'vigil',
  resources: [SESSION_ARN],
  detail: {
    sessionId: 'alice-0a1b2c3d4e5f',
    state: 'terminated',
    type: 'ssh',
    user: 'alice',
    owner: 'alice',
    device: 'db-prod-1',
    client: 'OpenSSH_9.6',
    target: 'db-prod-1:22',
    reason: 'Terminated by an administrator',
    endedBy: 'root',
  },
};

export const shadowing = {
  version: '0',
  id: 'c0ffee00-1234-5678-9abc-def012345678',
  'detail-type': 'Vigil Shadowing',
  source: 'vigil',
  account: '000000000000',
  time: '2026-12-01T10:12:00Z',
  region: 'vigil',
  resources: [SESSION_ARN],
  detail: { sessionId: 'alice-0a1b2c3d4e5f', action: 'TakeControl', viewer: 'José', mode: 'control' },
};

/** `event` with some `detail` fields replaced or added (undefined deletes). */
export function withDetail<E extends { detail: Record<string, unknown> }>(event: E, patch: Record<string, unknown>): E {
  const detail: Record<string, unknown> = { ...event.detail };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete detail[key];
    else detail[key] = value;
  }
  return { ...event, detail };
}
