import { DEMO_SESSION_KINDS, nextDemoSessionKind } from './demo-session-kinds';

describe('nextDemoSessionKind', () => {
  it('fills an empty page with one session of each type, in list order', () => {
    const open: string[] = [];
    for (let i = 0; i < DEMO_SESSION_KINDS.length; i++) open.push(nextDemoSessionKind(open).type);
    expect(open).toEqual(DEMO_SESSION_KINDS.map((kind) => kind.type));
  });

  it('keeps every type on the page whichever session a churn ends', () => {
    const open = DEMO_SESSION_KINDS.map((kind) => kind.type as string);
    for (let churn = 0; churn < 60; churn++) {
      open.splice((churn * 7) % open.length, 1); // end an arbitrary one
      open.push(nextDemoSessionKind(open).type);
      expect(new Set(open).size).toBe(DEMO_SESSION_KINDS.length);
    }
  });

  it('replaces the missing type even when others are doubled', () => {
    expect(nextDemoSessionKind(['PAM_SSH', 'PAM_SSH', 'PAM_RDP', 'WebSSO', 'ESSO', 'CONSOLE']).type).toBe('PAM');
  });

  it('ignores types it does not simulate', () => {
    expect(nextDemoSessionKind(['SOMETHING_ELSE']).type).toBe('PAM_SSH');
  });
});
