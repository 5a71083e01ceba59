import fc from 'fast-check';
import { EventPatternError, MAX_INPUT_PATHS, MAX_TEMPLATE_BYTES, compileInputTransformer } from './index';
import { SESSION_ARN, sessionStateChange, terminateCall, withDetail } from './pattern.fixtures';

/**
 * EventBridge InputTransformer, rendered safely: the EventBridge guide's examples (adapted to
 * Vigil's envelopes), then what an attacker can put in the event (quotes, newlines, markup),
 * then the refusals and their paths.
 */

const paths = { instance: '$.detail.sessionId', state: '$.detail.state', user: '$.detail.user' };
const t = (inputTemplate: string, inputPathsMap: Record<string, string> = paths) => compileInputTransformer({ inputPathsMap, inputTemplate });

describe('input transformer: EventBridge examples', () => {
  it('a simple string template (a JSON string) keeps its quotes', () => {
    const out = t('"instance <instance> is in <state>"').render(sessionStateChange);
    expect(out).toBe('"instance alice-0a1b2c3d4e5f is in terminated"');
    expect(JSON.parse(out)).toBe('instance alice-0a1b2c3d4e5f is in terminated');
  });

  it('escaped quotes inside a string template', () => {
    expect(JSON.parse(t('"instance \\"<instance>\\" is in <state>"').render(sessionStateChange))).toBe('instance "alice-0a1b2c3d4e5f" is in terminated');
  });

  it('simple JSON: a bare placeholder becomes a JSON string', () => {
    const transformer = t('{\n  "instance" : <instance>,\n  "state": <state>\n}');
    expect(transformer.mode).toBe('json');
    expect(JSON.parse(transformer.render(sessionStateChange))).toEqual({ instance: 'alice-0a1b2c3d4e5f', state: 'terminated' });
  });

  it('JSON with strings and variables', () => {
    const out = t('{"instance": <instance>, "state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}').render(sessionStateChange);
    expect(JSON.parse(out)).toEqual({ instance: 'alice-0a1b2c3d4e5f', state: 'terminated', instanceStatus: 'instance "alice-0a1b2c3d4e5f" is in terminated' });
  });

  it('JSON with a mix of variables and static information', () => {
    const out = t('{"instance": <instance>, "state": [9, <state>, true], "Transformed": "Yes"}').render(sessionStateChange);
    expect(JSON.parse(out)).toEqual({ instance: 'alice-0a1b2c3d4e5f', state: [9, 'terminated', true], Transformed: 'Yes' });
  });

  it('reserved variables: the rule name, its ARN and the whole event', () => {
    const out = t('{"instance": <instance>, "ruleName": <aws.events.rule-name>, "ruleArn": <aws.events.rule-arn>, "originalEvent": <aws.events.event>}').render(sessionStateChange, {
      ruleName: 'terminations',
      ruleArn: 'arn:aws:events:vigil:000000000000:rule/terminations',
    });
    expect(JSON.parse(out)).toEqual({ instance: 'alice-0a1b2c3d4e5f', ruleName: 'terminations', ruleArn: 'arn:aws:events:vigil:000000000000:rule/terminations', originalEvent: sessionStateChange });
  });

  it('reserved variables in a string template', () => {
    expect(t('"<aws.events.rule-name> triggered"').render(sessionStateChange, { ruleName: 'terminations' })).toBe('"terminations triggered"');
  });

  it('<aws.events.event.json> is the event as a string', () => {
    const bare = JSON.parse(t('{"raw": <aws.events.event.json>}').render(terminateCall));
    expect(typeof bare.raw).toBe('string');
    expect(JSON.parse(bare.raw)).toEqual(terminateCall);
    expect(t('event: <aws.events.event.json>').render(terminateCall)).toBe(`event: ${JSON.stringify(terminateCall)}`);
  });

  it('paths: "$" is the whole event, [n] indexes arrays, deeper names follow objects', () => {
    const out = t('{"all": <all>, "arn": <arn>, "user": <user>, "type": <type>}', {
      all: '$',
      arn: '$.resources[0]',
      user: '$.detail.userIdentity.userName',
      type: '$.detail.resources[0].type',
    }).render(terminateCall);
    expect(JSON.parse(out)).toEqual({ all: terminateCall, arn: SESSION_ARN, user: 'alice', type: 'AWS::SSM::Session' });
  });

  it('without inputPathsMap only reserved names are placeholders', () => {
    expect(compileInputTransformer({ inputTemplate: '<aws.events.rule-name>: <instance>' }).render(terminateCall, { ruleName: 'r1' })).toBe('r1: <instance>');
  });
});

describe('input transformer: text templates', () => {
  it('strings go in as they are, other values as JSON', () => {
    const transformer = t('Session <instance> of <user> is <state> (<count>, <readOnly>, <ids>)', { ...paths, count: '$.detail.count', readOnly: '$.detail.readOnly', ids: '$.detail.ids' });
    expect(transformer.mode).toBe('text');
    const event = withDetail(sessionStateChange, { count: 3, readOnly: false, ids: ['a', 'b'], user: 'O"Brien <admin>' });
    expect(transformer.render(event)).toBe('Session alice-0a1b2c3d4e5f of O"Brien <admin> is terminated (3, false, ["a","b"])');
  });

  it('a template that starts like JSON but is not JSON is text', () => {
    const transformer = t('[ALERT] <user> terminated <instance>');
    expect(transformer.mode).toBe('text');
    expect(transformer.render(sessionStateChange)).toBe('[ALERT] alice terminated alice-0a1b2c3d4e5f');
  });

  it('unknown <words> stay as written (markup in an email template)', () => {
    expect(t('<b><user></b> ended <i><instance></i><br>').render(sessionStateChange)).toBe('<b>alice</b> ended <i>alice-0a1b2c3d4e5f</i><br>');
  });

  it('a missing path renders as nothing in text', () => {
    expect(t('reason: [<why>]', { why: '$.detail.nothing.here' }).render(sessionStateChange)).toBe('reason: []');
  });
});

describe('input transformer: hostile values', () => {
  const injection = 'alice", "admin": true, "x": "\n\u2028\\';

  it('a value cannot break out of a JSON template, bare or inside a string', () => {
    const transformer = t('{"user": <user>, "text": "user <user> did it", "n": <n>}', { user: '$.detail.user', n: '$.detail.n' });
    const out = transformer.render(withDetail(sessionStateChange, { user: injection, n: { nested: [injection] } }));
    const parsed = JSON.parse(out);
    expect(Object.keys(parsed).sort()).toEqual(['n', 'text', 'user']);
    expect(parsed.user).toBe(injection);
    expect(parsed.text).toBe(`user ${injection} did it`);
    expect(parsed.n).toEqual({ nested: [injection] });
  });

  it('non-string values inside a JSON string are their JSON text, escaped', () => {
    const out = t('{"s": "ids=<ids> n=<n> nil=<nil>"}', { ids: '$.detail.ids', n: '$.detail.n', nil: '$.detail.nil' }).render(withDetail(sessionStateChange, { ids: ['a"b'], n: 1.5, nil: null }));
    expect(JSON.parse(out)).toEqual({ s: 'ids=["a\\"b"] n=1.5 nil=null' });
  });

  it('missing values are null when bare and empty inside strings', () => {
    const out = t('{"why": <why>, "s": "(<why>)"}', { why: '$.detail.reason.code' }).render(sessionStateChange);
    expect(JSON.parse(out)).toEqual({ why: null, s: '()' });
  });

  it('paths see own properties only', () => {
    const out = t('{"a": <a>, "b": <b>, "c": <c>}', { a: '$.constructor', b: '$.detail.__proto__', c: '$.detail.toString' }).render(sessionStateChange);
    expect(JSON.parse(out)).toEqual({ a: null, b: null, c: null });
    const own = JSON.parse('{"detail": {"__proto__": "mine"}}');
    expect(t('<p>', { p: '$.detail.__proto__' }).render(own)).toBe('mine');
  });

  it('an event with no JSON form (cycle, BigInt) renders null instead of throwing', () => {
    const cyclic: Record<string, unknown> = { detail: { n: 10n } };
    cyclic.self = cyclic;
    expect(JSON.parse(t('{"e": <aws.events.event>, "n": <n>}', { n: '$.detail.n' }).render(cyclic))).toEqual({ e: null, n: null });
  });

  it('render never throws, and a JSON template always renders valid JSON (fast-check)', () => {
    const json = t('{"user": <user>, "s": "<user> / <state>", "all": <all>, "arr": [<state>, "<missing>"]}', { user: '$.detail.user', state: '$.detail.state', all: '$', missing: '$.detail.nothing' });
    const text = t('<user> is <state>: <all>', { user: '$.detail.user', state: '$.detail.state', all: '$' });
    expect(json.mode).toBe('json');
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ detail: fc.dictionary(fc.constantFrom('user', 'state', '__proto__'), fc.jsonValue()) })), (event) => {
        expect(() => JSON.parse(json.render(event))).not.toThrow();
        expect(typeof text.render(event)).toBe('string');
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('input transformer: refusals name the field', () => {
  const rows: [name: string, spec: unknown, path: string, says: string][] = [
    ['not an object', 'template', 'inputTransformer', 'must be an object'],
    ['an unknown field', { inputTemplate: 'x', inputPath: '$.detail' }, 'inputTransformer.inputPath', 'unknown field'],
    ['no template', { inputPathsMap: {} }, 'inputTransformer.inputTemplate', 'must be a string'],
    ['an empty template', { inputTemplate: '' }, 'inputTransformer.inputTemplate', 'must not be empty'],
    ['a template over 8 KiB', { inputTemplate: 'x'.repeat(MAX_TEMPLATE_BYTES + 1) }, 'inputTransformer.inputTemplate', `must be at most ${MAX_TEMPLATE_BYTES} bytes`],
    ['a template over 8 KiB of UTF-8 (bytes, not characters)', { inputTemplate: 'é'.repeat(MAX_TEMPLATE_BYTES / 2 + 1) }, 'inputTransformer.inputTemplate', 'must be at most'],
    ['inputPathsMap not an object', { inputTemplate: 'x', inputPathsMap: ['$.detail'] }, 'inputTransformer.inputPathsMap', 'must be an object'],
    ['more than 100 paths', { inputTemplate: 'x', inputPathsMap: Object.fromEntries(Array.from({ length: MAX_INPUT_PATHS + 1 }, (_, i) => [`v${i}`, '$'])) }, 'inputTransformer.inputPathsMap', 'at most 100 entries'],
    ['a name with a dot (reserved names cannot be redefined)', { inputTemplate: 'x', inputPathsMap: { 'aws.events.event': '$' } }, 'inputTransformer.inputPathsMap["aws.events.event"]', 'names must be'],
    ['a path without "$"', { inputTemplate: 'x', inputPathsMap: { user: 'detail.user' } }, 'inputTransformer.inputPathsMap.user', 'must be a JSONPath'],
    ['a recursive-descent path', { inputTemplate: 'x', inputPathsMap: { user: '$..user' } }, 'inputTransformer.inputPathsMap.user', 'must be a JSONPath'],
    ['a wildcard path', { inputTemplate: 'x', inputPathsMap: { user: '$.detail[*]' } }, 'inputTransformer.inputPathsMap.user', 'must be a JSONPath'],
    ['a path that is not a string', { inputTemplate: 'x', inputPathsMap: { user: 5 } }, 'inputTransformer.inputPathsMap.user', 'must be a JSONPath'],
  ];

  it.each(rows)('%s', (_name, spec, path, says) => {
    let thrown: unknown;
    try {
      compileInputTransformer(spec);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EventPatternError);
    expect((thrown as EventPatternError).path).toBe(path);
    expect((thrown as EventPatternError).message.startsWith(`${path}: `)).toBe(true);
    expect((thrown as EventPatternError).reason).toContain(says);
  });

  it('accepts exactly 8 KiB and exactly 100 paths', () => {
    const inputPathsMap = Object.fromEntries(Array.from({ length: MAX_INPUT_PATHS }, (_, i) => [`v${i}`, '$.source']));
    const transformer = compileInputTransformer({ inputPathsMap, inputTemplate: '<v99>' + 'x'.repeat(MAX_TEMPLATE_BYTES - 5) });
    expect(transformer.render(terminateCall)).toBe('aws.ssm' + 'x'.repeat(MAX_TEMPLATE_BYTES - 5));
  });

  it('names the caller-given root', () => {
    expect(() => compileInputTransformer({ inputTemplate: 1 }, 'targets[0].inputTransformer')).toThrow(/^targets\[0\]\.inputTransformer\.inputTemplate: must be a string$/);
  });
});
