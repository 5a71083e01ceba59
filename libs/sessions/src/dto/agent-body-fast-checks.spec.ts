import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { AGENT_BODY_FAST_CHECKS, isPlainEndSession, isPlainOpenSession } from './agent-body-fast-checks';
import { EndSessionDto } from './end-session.dto';
import { OpenSessionDto } from './open-session.dto';

/** the gateway's global pipe, as apps/gateway/src/create-gateway.ts builds it */
const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
const accepts = async (metatype: ArgumentMetadata['metatype'], value: unknown) =>
  pipe.transform(value, { type: 'body', metatype }).then(
    (out) => ({ ok: true as const, out }),
    () => ({ ok: false as const }),
  );

const base = {
  externalId: 'ws-42:1701',
  type: 'PAM_SSH',
  user: 'jdoe',
  device: '10.0.0.12',
  client: 'srv-db-01',
  port: 22,
  serviceUrl: 'ssh://srv-db-01:22',
  accountName: 'root',
  serviceProvider: 'corp-idp',
  owner: 'alice',
};

/** what an attacker or a buggy agent may put in a field: types, sizes, characters */
const hostile: unknown[] = [
  undefined, null, '', ' ', 0, 1, 1.5, -1, 65535, 65536, 22, '22', true, [], ['a'], {}, { a: 1 },
  'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(128), 'a'.repeat(129), 'a'.repeat(256), 'a'.repeat(257), 'a'.repeat(2048), 'a'.repeat(2049),
  'tab\there', 'nul\u0000', 'del\u007f', 'newline\n', 'é', '😀', '\ufe0f', 'a\ud83d', '\u202e', 'a b', 'alice!', 'x://y', 'ssh://h:22',
  'http://', 'https://crm.example.com/a b', '2025-01-01T00:00:00Z', 'PAM_SSH', 'PAM_RDP', 'SSM', 'ended', 'failed', 'terminated', 'other',
];

describe('agent body fast checks', () => {
  it('accept the usual bodies, as class-validator does, and make the same DTO instance', async () => {
    for (const body of [base, { ...base, port: undefined, serviceUrl: undefined }, { externalId: 'e', type: 'WebSSO', user: 'u', device: 'd', client: 'c', owner: 'o' }]) {
      const plain = JSON.parse(JSON.stringify(body));
      expect(isPlainOpenSession(plain)).toBe(true);
      const slow = await accepts(OpenSessionDto, JSON.parse(JSON.stringify(body)));
      expect(slow.ok).toBe(true);
      const fast = Object.assign(new OpenSessionDto(), plain);
      expect(fast).toEqual(slow.ok && slow.out);
      expect(fast).toBeInstanceOf(OpenSessionDto);
    }
    for (const body of [{}, { reason: 'ended' }, { reason: 'failed' }, { reason: 'terminated' }]) {
      expect(isPlainEndSession(body)).toBe(true);
      const slow = await accepts(EndSessionDto, { ...body });
      expect(slow.ok && slow.out).toEqual(Object.assign(new EndSessionDto(), body));
    }
    expect(AGENT_BODY_FAST_CHECKS.get(OpenSessionDto)).toBe(isPlainOpenSession);
    expect(AGENT_BODY_FAST_CHECKS.get(EndSessionDto)).toBe(isPlainEndSession);
  });

  it('never accept an open body class-validator refuses, whatever goes in any field', async () => {
    let refusedByBoth = 0;
    let checked = 0;
    const fields = [...Object.keys(base), 'startDate', 'extra', '__proto__', 'constructor'];
    for (const field of fields) {
      for (const value of hostile) {
        // JSON.parse as the body parser does: an own "__proto__" key, no prototype tricks
        const body = JSON.parse(JSON.stringify({ ...base, [field]: value === undefined ? null : value }));
        if (value === undefined) delete body[field];
        const slow = await accepts(OpenSessionDto, JSON.parse(JSON.stringify(body)));
        checked++;
        if (isPlainOpenSession(body)) {
          expect({ field, value, slow: slow.ok }).toEqual({ field, value, slow: true });
          expect(Object.assign(new OpenSessionDto(), body)).toEqual(slow.ok && slow.out);
        } else if (!slow.ok) refusedByBoth++;
      }
    }
    // not a vacuous check: most hostile values are refused by class-validator, and so by the fast path
    expect(checked).toBe(fields.length * hostile.length);
    expect(refusedByBoth).toBeGreaterThan(checked / 2);
  });

  it('never accept an end body class-validator refuses', async () => {
    for (const key of ['reason', 'endDate', 'extra', 'constructor']) {
      for (const value of hostile) {
        const body: Record<string, unknown> = value === undefined ? {} : { [key]: value };
        const slow = await accepts(EndSessionDto, { ...body });
        if (isPlainEndSession(body)) expect({ key, value, slow: slow.ok }).toEqual({ key, value, slow: true });
      }
    }
    // what it cannot judge cheaply is left to class-validator, valid or not
    expect(isPlainEndSession({ endDate: '2025-01-01T00:00:00Z' })).toBe(false);
    expect(isPlainEndSession(null)).toBe(false);
    expect(isPlainEndSession([])).toBe(false);
    expect(isPlainEndSession(Object.create({ reason: 'ended' }))).toBe(false);
  });
});
