import { CONTROL_REQUEST_INTERVAL_MS, CONTROL_REQUEST_TTL_MS, ControlRequests, MAX_PENDING_REQUESTS } from './control-lock-requests';

describe('ControlRequests', () => {
  let now: number;
  let requests: ControlRequests;
  beforeEach(() => {
    now = 1_000_000;
    requests = new ControlRequests(() => now);
  });

  it('keeps a request pending until it lapses after the TTL', () => {
    expect(requests.request('a')).toEqual({ ok: true, expiresInMs: CONTROL_REQUEST_TTL_MS });
    expect(requests.isPending('a')).toBe(true);
    now += CONTROL_REQUEST_TTL_MS - 1;
    expect(requests.isPending('a')).toBe(true);
    now += 1;
    expect(requests.isPending('a')).toBe(false);
    expect(requests.answer('a')).toBe(false); // a lapsed request cannot be granted
    expect(requests.list()).toEqual([]);
  });

  it('answers a pending request once: a replayed grant finds nothing', () => {
    requests.request('a');
    expect(requests.answer('a')).toBe(true);
    expect(requests.answer('a')).toBe(false);
    expect(requests.isPending('a')).toBe(false);
  });

  it('never knew viewers that did not ask', () => {
    requests.request('a');
    expect(requests.isPending('b')).toBe(false);
    expect(requests.answer('b')).toBe(false);
    expect(requests.isPending('a')).toBe(true);
  });

  it('rate-limits one viewer, even after a denial, and says when to retry', () => {
    requests.request('a');
    requests.answer('a');
    now += 1_000;
    expect(requests.request('a')).toEqual({ ok: false, reason: 'rate-limited', retryAfterMs: CONTROL_REQUEST_INTERVAL_MS - 1_000 });
    expect(requests.isPending('a')).toBe(false);
    now += CONTROL_REQUEST_INTERVAL_MS;
    expect(requests.request('a').ok).toBe(true);
  });

  it('a flood of 1,000 requests from one viewer makes one request', () => {
    const results = Array.from({ length: 1_000 }, () => requests.request('a'));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(requests.list()).toEqual(['a']);
  });

  it('bounds the pending requests of a session', () => {
    for (let i = 0; i < MAX_PENDING_REQUESTS; i++) expect(requests.request(`v${i}`).ok).toBe(true);
    expect(requests.request('late')).toEqual({ ok: false, reason: 'too-many' });
    now += CONTROL_REQUEST_TTL_MS; // all lapse: room again
    expect(requests.request('late').ok).toBe(true);
  });

  it('forgets a viewer that left', () => {
    requests.request('a');
    requests.forget('a');
    expect(requests.isPending('a')).toBe(false);
    expect(requests.request('a').ok).toBe(true); // a new viewer id in practice; no interval kept
  });
});
