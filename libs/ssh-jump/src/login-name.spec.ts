import { parseLoginName } from './login-name';

describe('parseLoginName', () => {
  it('splits <vigil-user>+<target>', () => {
    expect(parseLoginName('alice+web01')).toEqual({ ok: true, user: 'alice', target: 'web01' });
    expect(parseLoginName('a.b-c_d@corp+db-1.prod')).toEqual({ ok: true, user: 'a.b-c_d@corp', target: 'db-1.prod' });
  });

  it.each([
    ['alice', /must be <vigil-user>\+<target>/],
    ['alice+', /target name after "\+" is empty/],
    ['+web01', /user name before "\+" is empty/],
    ['a+b+c', /exactly one "\+"/],
    ['al ice+web01', /user name may only contain/],
    ['alice+web$01', /target name may only contain/],
    ['alice+../etc', /target name may only contain/],
    [`${'a'.repeat(65)}+web01`, /max 64/],
  ])('refuses %j with a reason', (login, reason) => {
    const result = parseLoginName(login);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('does not echo control characters back to the client', () => {
    const result = parseLoginName('al\u001b[2Jice');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).not.toContain('\u001b');
  });
});
