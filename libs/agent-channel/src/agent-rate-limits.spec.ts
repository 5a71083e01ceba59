import { AgentRateLimits } from './agent-rate-limits';

describe('AgentRateLimits', () => {
  const limits = { write: { capacity: 3, refillPerSecond: 1 }, heartbeat: { capacity: 1, refillPerSecond: 0.5 } };

  it('refuses past the burst with a retry delay, and refills with time', () => {
    let now = 0;
    const rl = new AgentRateLimits(limits, () => now);
    expect(rl.refusal('a', 'open')).toBeNull();
    expect(rl.refusal('a', 'end')).toBeNull();
    expect(rl.refusal('a', 'open')).toBeNull();
    expect(rl.refusal('a', 'end')).toMatchObject({ ok: false, status: 429, retryAfterMs: 1000 });
    now = 1000;
    expect(rl.refusal('a', 'open')).toBeNull();
    expect(rl.refusal('a', 'open')).not.toBeNull();
  });

  it('keeps heartbeats apart from writes, and agents apart from each other', () => {
    const now = 0;
    const rl = new AgentRateLimits(limits, () => now);
    for (let i = 0; i < 3; i++) expect(rl.refusal('a', 'open')).toBeNull();
    expect(rl.refusal('a', 'heartbeat')).toBeNull();
    expect(rl.refusal('a', 'heartbeat')).toMatchObject({ status: 429, retryAfterMs: 2000 });
    expect(rl.refusal('b', 'open')).toBeNull();
    expect(rl.refusal('b', 'heartbeat')).toBeNull();
  });

  it('forget gives a fresh bucket', () => {
    const rl = new AgentRateLimits(limits, () => 0);
    expect(rl.refusal('a', 'heartbeat')).toBeNull();
    expect(rl.refusal('a', 'heartbeat')).not.toBeNull();
    rl.forget('a');
    expect(rl.refusal('a', 'heartbeat')).toBeNull();
  });
});
