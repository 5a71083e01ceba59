import { BadRequestException, NotFoundException } from '@nestjs/common';
import { AgentChannelCore, AgentSessionsPort } from './agent-channel-core';

const A = '0190d3c4-6a2b-7c3d-8e4f-00000000000a';
const B = '0190d3c4-6a2b-7c3d-8e4f-00000000000b';
const caller = { agentId: 'agent-1', context: { sourceIp: '10.0.0.9' } };
const openBody = { externalId: 'x-1', type: 'WebSSO', user: 'jdoe', device: '10.0.0.1', client: 'idp', owner: 'alice' };

function fakeSessions(overrides: Partial<AgentSessionsPort> = {}) {
  const port = {
    open: jest.fn(async () => ({ session: { id: A, externalId: 'x-1', status: 'Connected' }, created: true })),
    heartbeatMany: jest.fn(async (_agent: string, ids: readonly string[]) => ids.filter((id) => id === B)),
    end: jest.fn(async (id: string) => ({ entry: { id, externalId: 'x-1', status: 'Terminated' }, alreadyEnded: false })),
    ...overrides,
  };
  return port as unknown as jest.Mocked<AgentSessionsPort>;
}

describe('AgentChannelCore', () => {
  const logger = { error: jest.fn() };

  it('opens through SessionsService.open with the agent and the socket audit context', async () => {
    const sessions = fakeSessions();
    const ack = await new AgentChannelCore(sessions, logger).open(caller, openBody);
    expect(ack).toEqual({ ok: true, session: { id: A, externalId: 'x-1', status: 'Connected' }, created: true });
    expect(sessions.open).toHaveBeenCalledWith('agent-1', expect.objectContaining({ externalId: 'x-1' }), { context: caller.context });
  });

  it('never calls the service for an invalid payload', async () => {
    const sessions = fakeSessions();
    const core = new AgentChannelCore(sessions, logger);
    await expect(core.open(caller, { ...openBody, owner: 'bad owner!' })).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(core.heartbeat(caller, { sessionIds: ['x'] })).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(core.end(caller, 'garbage')).resolves.toMatchObject({ ok: false, status: 400 });
    expect(sessions.open).not.toHaveBeenCalled();
    expect(sessions.heartbeatMany).not.toHaveBeenCalled();
    expect(sessions.end).not.toHaveBeenCalled();
  });

  it('heartbeats the whole batch in one call, duplicates once, and lists the ids that are not open sessions of this agent', async () => {
    const sessions = fakeSessions();
    const ack = await new AgentChannelCore(sessions, logger).heartbeat(caller, { sessionIds: [A, B, A] });
    expect(ack).toEqual({ ok: true, unknown: [B] });
    expect(sessions.heartbeatMany.mock.calls).toEqual([['agent-1', [A, B]]]);
  });

  it('hands a batch of 1,000 ids to one heartbeatMany call (one transaction)', async () => {
    const sessions = fakeSessions();
    const ids = Array.from({ length: 1000 }, (_, i) => `0190d3c4-6a2b-7c3d-9e4f-${i.toString(16).padStart(12, '0')}`);
    await expect(new AgentChannelCore(sessions, logger).heartbeat(caller, { sessionIds: ids })).resolves.toEqual({ ok: true, unknown: [] });
    expect(sessions.heartbeatMany).toHaveBeenCalledTimes(1);
    expect(sessions.heartbeatMany).toHaveBeenCalledWith('agent-1', ids);
  });

  it('ends with the HTTP route\'s request: reason defaults to ended, restricted to the agent', async () => {
    const sessions = fakeSessions();
    const ack = await new AgentChannelCore(sessions, logger).end(caller, { sessionId: A, endDate: '2026-12-01T10:00:00Z' });
    expect(ack).toMatchObject({ ok: true, alreadyEnded: false });
    expect(sessions.end).toHaveBeenCalledWith(A, {
      reason: 'ended',
      endDate: Date.parse('2026-12-01T10:00:00Z'),
      agentId: 'agent-1',
      audit: { context: caller.context },
    });
  });

  it('maps domain errors to their status and message', async () => {
    const sessions = fakeSessions({
      open: jest.fn(async () => {
        throw new BadRequestException('startDate must not be in the future');
      }),
      end: jest.fn(async () => {
        throw new NotFoundException('session x not found');
      }),
    });
    const core = new AgentChannelCore(sessions, logger);
    await expect(core.open(caller, openBody)).resolves.toEqual({ ok: false, status: 400, error: 'startDate must not be in the future' });
    await expect(core.end(caller, { sessionId: A })).resolves.toEqual({ ok: false, status: 404, error: 'session x not found' });
  });

  it('turns anything else into a retryable 503 and logs it, without the payload', async () => {
    const log = { error: jest.fn() };
    const sessions = fakeSessions({
      heartbeatMany: jest.fn(async () => {
        throw new Error('SQLITE_BUSY');
      }),
    });
    await expect(new AgentChannelCore(sessions, log).heartbeat(caller, { sessionIds: [A] })).resolves.toEqual({
      ok: false,
      status: 503,
      error: 'heartbeat failed on the gateway, retry later',
    });
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('SQLITE_BUSY'));
  });
});
