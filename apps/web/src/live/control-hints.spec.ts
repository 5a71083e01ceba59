import { controlHint } from './control-hints';

const viewers = [
  { viewerId: 'b1', username: 'bob', mode: 'interact' as const, since: '' },
  { viewerId: 'me', username: 'carol', mode: 'interact' as const, since: '' },
];
const state = (holder: string | null) => ({ holder, userPaused: false, pausedBy: null, interactiveViewers: ['b1', 'me'] });
const base = { mode: 'interact' as const, isAdmin: false, live: true, control: state('b1'), viewerId: 'me', viewers, myRequest: null };

describe('controlHint (why a control button is disabled)', () => {
  it('names the holder and says to request it', () => {
    expect(controlHint(base)).toBe('bob holds control: request it.');
    expect(controlHint({ ...base, isAdmin: true })).toBe('bob holds control: request it, or force a take-over.');
  });
  it('follows the request', () => {
    expect(controlHint({ ...base, myRequest: { status: 'pending' } })).toMatch(/waiting for their answer/);
    expect(controlHint({ ...base, myRequest: { status: 'denied', by: 'bob' } })).toBe('bob holds control: your request was denied by bob.');
  });
  it('says why in view mode, when not live, when free or held by me', () => {
    expect(controlHint({ ...base, mode: 'view' })).toBe('View mode: open the session with Interact to type.');
    expect(controlHint({ ...base, live: false })).toMatch(/not live/);
    expect(controlHint({ ...base, control: state(null) })).toMatch(/Nobody holds control/);
    expect(controlHint({ ...base, control: state('me') })).toMatch(/You hold control/);
  });
});
