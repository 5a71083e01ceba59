import { DEFAULT_PATTERN, MAX_TARGETS, emptyRule, emptyTarget, parsePattern, toNewRule, type RuleDraft } from './rule-form';

const draft = (patch: Partial<RuleDraft> = {}): RuleDraft => ({ ...emptyRule(), name: 'alerts', targets: [{ ...emptyTarget(), url: 'https://hooks.example/x' }], ...patch });
const errorOf = (d: RuleDraft) => {
  const r = toNewRule(d);
  return r.ok ? null : `${r.error.field}: ${r.error.message}`;
};

describe('event rule form', () => {
  it('builds the create body: trimmed, optional fields left out, the default pattern parsed', () => {
    expect(toNewRule(draft({ name: ' alerts ', description: '  ' }))).toEqual({
      ok: true,
      value: { name: 'alerts', eventPattern: JSON.parse(DEFAULT_PATTERN), enabled: true, targets: [{ type: 'webhook', url: 'https://hooks.example/x' }] },
    });
  });

  it('keeps a given webhook secret, parses email recipients and a transformer', () => {
    const r = toNewRule(
      draft({
        targets: [
          { ...emptyTarget('webhook'), url: 'http://127.0.0.1:9/h', secret: 's3cret' },
          { ...emptyTarget('email'), to: 'a@example.com, b@example.com;c@example.com', subject: ' Alert ' },
          { ...emptyTarget('slack'), url: 'https://slack.example/T', inputPaths: '{"u":"$.detail.userIdentity.userName"}', inputTemplate: '<u> did it' },
        ],
      }),
    );
    expect(r.ok && r.value.targets).toEqual([
      { type: 'webhook', url: 'http://127.0.0.1:9/h', secret: 's3cret' },
      { type: 'email', to: ['a@example.com', 'b@example.com', 'c@example.com'], subject: 'Alert' },
      { type: 'slack', url: 'https://slack.example/T', inputTransformer: { inputPathsMap: { u: '$.detail.userIdentity.userName' }, inputTemplate: '<u> did it' } },
    ]);
  });

  it('names the field to fix, like the server does', () => {
    expect(errorOf(draft({ name: 'bad name!' }))).toMatch(/^name: /);
    expect(errorOf(draft({ name: 'x'.repeat(65) }))).toMatch(/^name: /);
    expect(errorOf(draft({ pattern: '{"source": ' }))).toMatch(/^eventPattern: not JSON/);
    expect(errorOf(draft({ pattern: '["aws.ssm"]' }))).toBe('eventPattern: must be a JSON object');
    expect(errorOf(draft({ pattern: '{}' }))).toMatch(/^eventPattern: must not be empty/);
    expect(errorOf(draft({ targets: [] }))).toBe(`targets: 1 to ${MAX_TARGETS} targets`);
    expect(errorOf(draft({ targets: Array.from({ length: MAX_TARGETS + 1 }, () => ({ ...emptyTarget(), url: 'https://a.example' })) }))).toMatch(/^targets: /);
    expect(errorOf(draft({ targets: [{ ...emptyTarget(), url: 'https://ok.example' }, { ...emptyTarget(), url: 'ftp://files.example/x' }] }))).toBe('targets[1].url: must be http(s)');
    expect(errorOf(draft({ targets: [{ ...emptyTarget(), url: 'javascript:alert(1)' }] }))).toBe('targets[0].url: must be http(s)');
    expect(errorOf(draft({ targets: [{ ...emptyTarget('email'), to: ' , ' }] }))).toBe('targets[0].to: needs at least one address');
    expect(errorOf(draft({ targets: [{ ...emptyTarget('email'), to: 'ok@example.com nope' }] }))).toBe('targets[0].to: nope is not an email address');
  });

  it('refuses an oversize template (8 KiB, counted in UTF-8 bytes) and paths without a template', () => {
    const at = (inputTemplate: string, inputPaths = '') => errorOf(draft({ targets: [{ ...emptyTarget(), url: 'https://a.example', inputTemplate, inputPaths }] }));
    expect(at('x'.repeat(8 * 1024))).toBeNull();
    expect(at('é'.repeat(4 * 1024 + 1))).toBe('targets[0].inputTransformer.inputTemplate: must be at most 8 KiB');
    expect(at('', '{"a":"$.id"}')).toBe('targets[0].inputTransformer.inputTemplate: is needed when input paths are given');
    expect(at('<a>', '{"a": 1}')).toMatch(/^targets\[0\]\.inputTransformer\.inputPathsMap: /);
    expect(at('<a>', 'not json')).toMatch(/^targets\[0\]\.inputTransformer\.inputPathsMap: /);
  });

  it('parsePattern accepts nested EventBridge operators untouched', () => {
    const pattern = { detail: { eventName: [{ prefix: 'Start' }], userIdentity: { userName: [{ 'anything-but': ['vigil'] }] } } };
    expect(parsePattern(JSON.stringify(pattern))).toEqual({ ok: true, value: pattern });
  });
});
