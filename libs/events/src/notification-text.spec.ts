import { chainedRecord } from './audit-view.fixture';
import { envelopesOf } from './envelope';
import { emailMessage, slackMessage, summarize } from './notification-text';

const SESSION = '0193a8c2-0000-7000-8000-00000000abcd';
const BASE = 'https://vigil.example.com/';

const state = (action: 'session.start' | 'session.end' | 'session.terminate', actor: string, params: Record<string, unknown>) =>
  envelopesOf(chainedRecord({ action, actor, sessionId: SESSION, requestParameters: params }, 1))[1].envelope;

describe('notification text', () => {
  const started = state('session.start', 'agent:a', { type: 'PAM_SSH', user: 'jdoe', owner: 'alice', device: '10.0.0.12', client: 'srv-db-01', target: 'db-01' });

  it('reads a session start as one line with a link to the live session', () => {
    expect(summarize(started, BASE)).toEqual({
      line: 'Session started: jdoe on db-01 (PAM_SSH, owner alice, from 10.0.0.12)',
      link: `https://vigil.example.com/sessions/${SESSION}/live`,
    });
    expect(slackMessage(started, BASE)).toEqual({ text: `Session started: jdoe on db-01 (PAM_SSH, owner alice, from 10.0.0.12) <https://vigil.example.com/sessions/${SESSION}/live|Open in Vigil>` });
  });

  it('links an ended or terminated session to its access-log entry and says who ended it', () => {
    const terminated = state('session.terminate', 'user:admin', { reason: 'policy' });
    expect(summarize(terminated, BASE)).toMatchObject({ line: expect.stringMatching(/^Session terminated: .* by admin$/), link: `https://vigil.example.com/access-logs/${SESSION}` });
    expect(summarize(state('session.end', 'agent:a', { reason: 'timeout' }), BASE).line).toMatch(/reason timeout$/);
  });

  it("escapes Slack's control characters so a user name cannot forge a link", () => {
    const evil = state('session.start', 'agent:a', { user: '<https://evil.example|click> & co', client: 'h' });
    expect(slackMessage(evil, BASE).text).toContain('&lt;https://evil.example|click&gt; &amp; co');
    expect(slackMessage(evil, BASE).text.match(/</g)).toHaveLength(1);
  });

  it('uses the rendered template as the text when the target has a transformer', () => {
    expect(slackMessage(started, BASE, 'custom <b>')).toEqual({ text: 'custom <b>' });
    expect(emailMessage(started, BASE, undefined, 'body!').text).toBe('body!');
  });

  it('builds an email: one-line subject, the summary, link and event detail in the text', () => {
    const mail = emailMessage(started, BASE);
    expect(mail.subject).toBe('[Vigil] Session started: jdoe on db-01 (PAM_SSH, owner alice, from 10.0.0.12)');
    expect(mail.text).toContain(`/sessions/${SESSION}/live`);
    expect(mail.text).toContain('"device": "10.0.0.12"');
    const injected = emailMessage(state('session.start', 'agent:a', { user: 'x\r\nBcc: victim@example.com', client: 'h' }), BASE);
    expect(injected.subject).not.toMatch(/[\r\n]/);
    expect(emailMessage(started, BASE, 'x'.repeat(300)).subject.length).toBeLessThanOrEqual(200);
  });

  it('describes API calls, refusals included', () => {
    const refused = envelopesOf(chainedRecord({ action: 'ssm.TerminateSession', actor: 'user:eve', sessionId: SESSION, errorCode: 'AccessDeniedException' }, 3))[0].envelope;
    expect(summarize(refused, BASE).line).toBe(`eve: TerminateSession on session ${SESSION} (aws.ssm) failed: AccessDeniedException`);
    const login = envelopesOf(chainedRecord({ action: 'auth.login', actor: 'user:alice' }, 4))[0].envelope;
    expect(summarize(login, BASE)).toEqual({ line: 'alice: ConsoleLogin (vigil.auth)', link: null });
  });
});
