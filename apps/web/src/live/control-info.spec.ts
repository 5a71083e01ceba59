import { desktopInputRefusal, inputRefusal } from './control-info';
import type { ControlState } from './live-protocol';

const control = (holder: string | null): ControlState => ({ holder, userPaused: false, pausedBy: null }) as unknown as ControlState;

describe('why input is not sent from the live page', () => {
  it.each([
    ['not live', 'interact', control('me'), 'me', false, /not live/],
    ['view only, even holding (a stale state)', 'view', control('me'), 'me', true, /View only/],
    ['interact without control', 'interact', control(null), 'me', true, /Take control first/],
    ['interact, another holds control', 'interact', control('other'), 'me', true, /Take control first/],
    ['interact before attach (no viewer id)', 'interact', control(null), null, true, /Take control first/],
  ] as const)('refuses: %s', (_name, mode, state, me, live, why) => {
    expect(desktopInputRefusal(mode, state, me, live)).toMatch(why);
    expect(desktopInputRefusal(mode, state, me, live)).toMatch(/mouse and keys/);
    expect(inputRefusal(mode, state, me, live)).toMatch(why);
  });

  it('sends while this viewer holds control in interact mode', () => {
    expect(desktopInputRefusal('interact', control('me'), 'me', true)).toBeNull();
    expect(inputRefusal('interact', control('me'), 'me', true)).toBeNull();
  });
});
