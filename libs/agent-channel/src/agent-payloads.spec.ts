import { parseEnd, parseHeartbeat, parseOpen } from './agent-payloads';
import { MAX_HEARTBEAT_BATCH } from './agent-wire';

const UUID = '0190d3c4-6a2b-7c3d-8e4f-0123456789ab';
const valid = { externalId: 'ws-42:1', type: 'WebSSO', user: 'jdoe', device: '10.0.0.1', client: 'idp', owner: 'alice' };

describe('parseOpen (the HTTP API\'s OpenSessionDto rules)', () => {
  it('accepts what POST /api/agent/sessions accepts', () => {
    const parsed = parseOpen({ ...valid, port: 443, serviceUrl: 'https://crm.example.com', startDate: '2026-12-01T10:00:00Z' });
    expect(parsed).toMatchObject({ ok: true, value: { externalId: 'ws-42:1', port: 443 } });
  });

  it.each([
    ['a missing field', { ...valid, owner: undefined }, 'owner must be a Vigil username'],
    ['an unknown field', { ...valid, admin: true }, 'property admin should not exist'],
    ['a control character', { ...valid, user: 'j\u0000doe' }, 'user must not contain control characters'],
    ['a bad type', { ...valid, type: 'SSM' }, 'type must be one of'],
    ['a string port', { ...valid, port: '22' }, 'port must be an integer'],
    ['a bad date', { ...valid, startDate: 'yesterday' }, 'startDate must be an ISO-8601 date'],
  ])('refuses %s with the field named', (_, payload, message) => {
    const parsed = parseOpen(payload);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(message);
  });

  it.each([[null], ['text'], [[valid]], [42]])('refuses a non-object payload %p', (payload) => {
    expect(parseOpen(payload)).toEqual({ ok: false, error: 'payload must be an object' });
  });

  it('refuses deep nesting before class-transformer walks it', () => {
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(parseOpen({ ...valid, extra: deep })).toEqual({ ok: false, error: 'payload is nested too deeply' });
  });
});

describe('parseHeartbeat', () => {
  it('dedupes ids', () => {
    expect(parseHeartbeat({ sessionIds: [UUID, UUID] })).toEqual({ ok: true, value: { sessionIds: [UUID] } });
  });

  it(`takes ${MAX_HEARTBEAT_BATCH} ids and refuses one more`, () => {
    const ids = Array.from({ length: MAX_HEARTBEAT_BATCH + 1 }, (_, i) => `0190d3c4-6a2b-7c3d-8e4f-${i.toString(16).padStart(12, '0')}`);
    expect(parseHeartbeat({ sessionIds: ids.slice(0, MAX_HEARTBEAT_BATCH) }).ok).toBe(true);
    expect(parseHeartbeat({ sessionIds: ids })).toEqual({ ok: false, error: `sessionIds must be an array of 1 to ${MAX_HEARTBEAT_BATCH} session ids` });
  });

  it.each([
    [{}, 'sessionIds must be an array'],
    [{ sessionIds: [] }, 'sessionIds must be an array'],
    [{ sessionIds: UUID }, 'sessionIds must be an array'],
    [{ sessionIds: [UUID, 'nope'] }, 'sessionIds[1] must be a UUID'],
    [{ sessionIds: [UUID, { id: UUID }] }, 'sessionIds[1] must be a UUID'],
    [{ sessionIds: [UUID], more: 1 }, 'property more should not exist'],
  ])('refuses %p', (payload, message) => {
    const parsed = parseHeartbeat(payload);
    expect(!parsed.ok && parsed.error).toContain(message);
  });
});

describe('parseEnd', () => {
  it('accepts an id with EndSessionDto fields', () => {
    expect(parseEnd({ sessionId: UUID, reason: 'failed', endDate: '2026-12-01T10:00:00Z' })).toMatchObject({
      ok: true,
      value: { sessionId: UUID, body: { reason: 'failed', endDate: '2026-12-01T10:00:00Z' } },
    });
  });

  it.each([
    [{}, 'sessionId must be a UUID'],
    [{ sessionId: '../etc' }, 'sessionId must be a UUID'],
    [{ sessionId: UUID, reason: 'bored' }, 'reason must be one of'],
    [{ sessionId: UUID, endDate: 'later' }, 'endDate must be an ISO-8601 date'],
    [{ sessionId: UUID, endedBy: 'admin' }, 'property endedBy should not exist'],
  ])('refuses %p', (payload, message) => {
    const parsed = parseEnd(payload);
    expect(!parsed.ok && parsed.error).toContain(message);
  });
});
