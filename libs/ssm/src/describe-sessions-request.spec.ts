import { parseDescribeSessions, parseIsoDate } from './describe-sessions-request';

const filter = (key: unknown, value: unknown) => ({ key, value });

describe('parseDescribeSessions', () => {
  it('reads every filter key into a query, with AWS defaults', () => {
    expect(
      parseDescribeSessions({
        State: 'History',
        Filters: [
          filter('InvokedAfter', '2024-08-29T00:00:00Z'),
          filter('InvokedBefore', '2024-08-30'),
          filter('Target', 'db-01'),
          filter('Owner', 'arn:vigil:iam::vigil:user/alice'),
          filter('Status', 'Terminated'),
          filter('SessionId', '0190f0aa-0000-7000-8000-000000000001'),
        ],
      }),
    ).toEqual({
      state: 'History',
      maxResults: 20,
      filters: {
        startedFrom: Date.UTC(2024, 7, 29),
        startedBefore: Date.UTC(2024, 7, 30),
        target: 'db-01',
        owner: 'alice',
        status: 'Terminated',
        sessionId: '0190f0aa-0000-7000-8000-000000000001',
      },
    });
    expect(parseDescribeSessions({ State: 'Active', MaxResults: 200, NextToken: 't', Filters: [filter('AccessType', 'Standard'), filter('Owner', 'bob')] })).toEqual({
      state: 'Active',
      maxResults: 200,
      nextToken: 't',
      filters: { accessType: 'Standard', owner: 'bob' },
    });
  });

  const six = Array.from({ length: 6 }, (_, i) => filter('Target', `t${i}`));
  it.each([
    ['no State', {}, 'ValidationException', "Value null at 'state' failed to satisfy constraint: Member must not be null"],
    ['State Foo', { State: 'Foo' }, 'ValidationException', 'Member must satisfy enum value set: [Active, History]'],
    ['State lowercase', { State: 'active' }, 'ValidationException', 'enum value set'],
    ['MaxResults 500', { State: 'Active', MaxResults: 500 }, 'ValidationException', "Value '500' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 200"],
    ['MaxResults 0', { State: 'Active', MaxResults: 0 }, 'ValidationException', 'greater than or equal to 1'],
    ['MaxResults 1.5', { State: 'Active', MaxResults: 1.5 }, 'SerializationException', 'MaxResults must be an integer'],
    ['MaxResults "10"', { State: 'Active', MaxResults: '10' }, 'SerializationException', 'integer'],
    ['State a number', { State: 1 }, 'SerializationException', 'State must be a string'],
    ['Filters an object', { State: 'Active', Filters: {} }, 'SerializationException', 'Filters must be a list'],
    ['a filter that is a string', { State: 'Active', Filters: ['Owner=alice'] }, 'SerializationException', 'structure'],
    ['an empty filter list', { State: 'Active', Filters: [] }, 'ValidationException', 'length greater than or equal to 1'],
    ['7 filters', { State: 'Active', Filters: [...six, filter('Owner', 'x')] }, 'ValidationException', 'length less than or equal to 6'],
    ['a 401-character value', { State: 'Active', Filters: [filter('Target', 'x'.repeat(401))] }, 'ValidationException', "'filters.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 400"],
    ['an empty value', { State: 'Active', Filters: [filter('Target', '')] }, 'ValidationException', 'greater than or equal to 1'],
    ['a filter without value', { State: 'Active', Filters: [{ key: 'Target' }] }, 'ValidationException', "'filters.1.member.value'"],
    ['a filter without key', { State: 'Active', Filters: [{ value: 'x' }] }, 'ValidationException', "'filters.1.member.key'"],
    ['an unknown key', { State: 'Active', Filters: [filter('Colour', 'red')] }, 'InvalidFilterKey', "'Colour'"],
    ['a key in the wrong case', { State: 'Active', Filters: [filter('owner', 'alice')] }, 'InvalidFilterKey', "'owner'"],
    ['a key twice', { State: 'Active', Filters: [filter('Owner', 'a'), filter('Owner', 'b')] }, 'ValidationException', 'more than once'],
    ['an unknown status', { State: 'Active', Filters: [filter('Status', 'Running')] }, 'ValidationException', 'key Status is not valid'],
    ['an unknown access type', { State: 'Active', Filters: [filter('AccessType', 'Root')] }, 'ValidationException', 'key AccessType'],
    ['a date that is not one', { State: 'Active', Filters: [filter('InvokedAfter', 'yesterday')] }, 'ValidationException', 'not a valid ISO-8601'],
    ['February 31st', { State: 'Active', Filters: [filter('InvokedBefore', '2024-02-31T00:00:00Z')] }, 'ValidationException', 'not a valid ISO-8601'],
    ['25 o’clock', { State: 'Active', Filters: [filter('InvokedBefore', '2024-02-01T25:00:00Z')] }, 'ValidationException', 'not a valid ISO-8601'],
  ])('refuses %s', (_label, input, type, message) => {
    expect(() => parseDescribeSessions(input as Record<string, unknown>)).toThrow(expect.objectContaining({ type, status: 400, message: expect.stringContaining(message) }));
  });

  it('lists every constraint violation in one ValidationException, as AWS does', () => {
    expect(() => parseDescribeSessions({ MaxResults: 500 })).toThrow(expect.objectContaining({ message: expect.stringMatching(/^2 validation errors detected: .*'state'.*; .*'maxResults'/) }));
  });

  it('checks the constraints before the filter keys (7 unknown keys: a ValidationException)', () => {
    const seven = Array.from({ length: 7 }, (_, i) => filter(`K${i}`, 'v'));
    expect(() => parseDescribeSessions({ State: 'Active', Filters: seven })).toThrow(expect.objectContaining({ type: 'ValidationException' }));
  });
});

describe('parseIsoDate', () => {
  it('reads zones and fractions, and no zone as UTC', () => {
    expect(parseIsoDate('k', '2024-08-29T10:00:00+02:00')).toBe(Date.UTC(2024, 7, 29, 8));
    expect(parseIsoDate('k', '2024-08-29T10:00:00.250Z')).toBe(Date.UTC(2024, 7, 29, 10, 0, 0, 250));
    expect(parseIsoDate('k', '2024-08-29T10:00')).toBe(Date.UTC(2024, 7, 29, 10));
    expect(parseIsoDate('k', '2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});
