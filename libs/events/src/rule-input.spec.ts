import { RuleInputError } from './rule-errors';
import { hostsToResolve, parseRuleInput, parseRulePatch } from './rule-input';

const OPTIONS = { smtpConfigured: true };
const valid = () => ({
  name: 'session-starts',
  eventPattern: { source: ['vigil'], detail: { state: ['started'] } },
  targets: [{ type: 'webhook', url: 'https://hooks.example.com/x' }],
});

/** The message a bad input is answered with (the HTTP 400's `message`). */
function problem(body: unknown, options = OPTIONS): string {
  try {
    parseRuleInput(body, options);
  } catch (error) {
    if (error instanceof RuleInputError) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseRuleInput', () => {
  it('accepts a valid rule with defaults', () => {
    expect(parseRuleInput(valid(), OPTIONS)).toEqual({ ...valid(), description: null, enabled: true, targets: [{ type: 'webhook', url: 'https://hooks.example.com/x' }] });
    const email = parseRuleInput({ ...valid(), targets: [{ type: 'email', to: 'ops@example.com', subject: 'hi' }] }, OPTIONS);
    expect(email.targets[0]).toEqual({ type: 'email', to: ['ops@example.com'], subject: 'hi' });
  });

  it.each<[string, (b: ReturnType<typeof valid>) => unknown, RegExp]>([
    ['no body object', () => [], /^body: /],
    ['unknown field', (b) => ({ ...b, colour: 1 }), /^colour: unknown field/],
    ['bad name', (b) => ({ ...b, name: 'has space' }), /^name: must be 1-64/],
    ['long name', (b) => ({ ...b, name: 'x'.repeat(65) }), /^name: /],
    ['missing pattern', (b) => ({ ...b, eventPattern: undefined }), /^eventPattern: is required/],
    ['pattern not an object', (b) => ({ ...b, eventPattern: [1] }), /^eventPattern: must be a JSON object/],
    ['bad operator deep in the pattern', (b) => ({ ...b, eventPattern: { detail: { eventName: [{ prefix: 5 }] } } }), /^eventPattern\.detail\.eventName\[0\]/],
    ['enabled not boolean', (b) => ({ ...b, enabled: 'yes' }), /^enabled: must be a boolean/],
    ['no targets', (b) => ({ ...b, targets: [] }), /^targets: needs at least one/],
    ['six targets', (b) => ({ ...b, targets: Array(6).fill(b.targets[0]) }), /^targets: at most 5/],
    ['unknown type', (b) => ({ ...b, targets: [{ type: 'sns' }] }), /^targets\[0\]\.type: must be/],
    ['ftp url', (b) => ({ ...b, targets: [{ type: 'webhook', url: 'ftp://x.example.com/' }] }), /^targets\[0\]\.url: must be http\(s\)/],
    ['credentials in the url', (b) => ({ ...b, targets: [{ type: 'slack', url: 'https://u:p@hooks.example.com/' }] }), /^targets\[0\]\.url: must not carry credentials/],
    ['not a url', (b) => ({ ...b, targets: [b.targets[0], { type: 'webhook', url: 'not a url' }] }), /^targets\[1\]\.url: is not a valid URL/],
    ['short secret', (b) => ({ ...b, targets: [{ ...b.targets[0], secret: 'short' }] }), /^targets\[0\]\.secret: must be a string of 16-256/],
    ['secret on slack', (b) => ({ ...b, targets: [{ type: 'slack', url: 'https://h.example.com/', secret: 'x'.repeat(20) }] }), /^targets\[0\]\.secret: not a field of slack targets/],
    ['bad email', (b) => ({ ...b, targets: [{ type: 'email', to: ['ok@example.com', 'not-an-address'] }] }), /^targets\[0\]\.to\[1\]: is not an email address/],
    ['email header injection', (b) => ({ ...b, targets: [{ type: 'email', to: 'a@example.com\r\nBcc: b@example.com' }] }), /^targets\[0\]\.to: is not an email address/],
    ['two-line subject', (b) => ({ ...b, targets: [{ type: 'email', to: 'a@example.com', subject: 'a\nb' }] }), /^targets\[0\]\.subject: must be one line/],
    ['oversize template', (b) => ({ ...b, targets: [{ ...b.targets[0], inputTransformer: { inputTemplate: 'x'.repeat(9000) } }] }), /^targets\[0\]\.inputTransformer\.inputTemplate/],
    ['bad input path', (b) => ({ ...b, targets: [{ ...b.targets[0], inputTransformer: { inputPathsMap: { a: 'detail.x' }, inputTemplate: '<a>' } }] }), /^targets\[0\]\.inputTransformer\.inputPathsMap/],
    ['id on create', (b) => ({ ...b, targets: [{ ...b.targets[0], id: '0193a8c2-0000-7000-8000-00000000abcd' }] }), /^targets\[0\]\.id: not a field of webhook targets/],
  ])('%s -> 400 naming the field', (_, mutate, expected) => {
    expect(problem(mutate(valid()))).toMatch(expected);
  });

  it('refuses email targets when no SMTP server is configured', () => {
    expect(problem({ ...valid(), targets: [{ type: 'email', to: 'a@example.com' }] }, { smtpConfigured: false })).toMatch(/^targets\[0\]\.type: email targets need VIGIL_SMTP_URL/);
  });
});

describe('parseRulePatch', () => {
  it('takes only the fields given, allows target ids, refuses an empty patch', () => {
    expect(parseRulePatch({ enabled: false }, OPTIONS)).toEqual({ enabled: false });
    const id = '0193a8c2-0000-7000-8000-00000000abcd';
    expect(parseRulePatch({ targets: [{ id, type: 'webhook', url: 'http://h.example.com/' }] }, OPTIONS).targets![0].id).toBe(id);
    expect(() => parseRulePatch({}, OPTIONS)).toThrow(/^body: nothing to change/);
  });
});

describe('hostsToResolve', () => {
  it('lists host names with their field, not IP literals', () => {
    const targets = parseRuleInput(
      { ...valid(), targets: [{ type: 'webhook', url: 'http://127.0.0.1:9/x' }, { type: 'slack', url: 'https://hooks.slack.example/x' }, { type: 'webhook', url: 'http://[::1]:9/' }, { type: 'email', to: 'a@example.com' }] },
      OPTIONS,
    ).targets;
    expect(hostsToResolve(targets)).toEqual([{ path: 'targets[1].url', host: 'hooks.slack.example' }]);
  });
});
