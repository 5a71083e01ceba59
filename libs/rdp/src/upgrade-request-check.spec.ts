import { checkUpgradeRequest, DEFAULT_DISPLAY, MAX_TUNNEL_URL_LENGTH } from './upgrade-request-check';

const headers = { host: 'vigil.example:8080', upgrade: 'websocket' };
const check = (url: string, extra: Record<string, string | string[] | undefined> = {}, allowed: string[] | null = null) =>
  checkUpgradeRequest({ url, method: 'GET', headers: { ...headers, ...extra } }, '/guacamole', allowed);

describe('checkUpgradeRequest', () => {
  it('passes one token and the bounded screen size, ignoring every other parameter (read-only among them)', () => {
    expect(check('/guacamole?token=abc&width=1280&height=800&dpi=120&read-only=false&hostname=evil')).toEqual({ ok: true, token: 'abc', display: { width: 1280, height: 800, dpi: 120 } });
    expect(check('/guacamole?token=abc')).toEqual({ ok: true, token: 'abc', display: DEFAULT_DISPLAY });
  });

  it.each([
    ['/guacamole/x?token=a', 404],
    ['/other?token=a', 404],
    [`/guacamole?token=${'a'.repeat(MAX_TUNNEL_URL_LENGTH)}`, 414],
    ['/guacamole', 401],
    ['/guacamole?token=', 401],
    ['/guacamole?token=a&token=b', 401],
    ['/guacamole?token=a&width=10', 400],
    ['/guacamole?token=a&width=1e3', 400],
    ['/guacamole?token=a&height=1024&height=768', 400],
  ])('%s → %d', (url, status) => {
    expect(check(url)).toMatchObject({ ok: false, status });
  });

  it('Origin: the same host, or the configured list; a foreign or repeated Origin → 403', () => {
    expect(check('/guacamole?token=a', { origin: 'http://vigil.example:8080' }).ok).toBe(true);
    expect(check('/guacamole?token=a', { origin: 'https://evil.example' })).toMatchObject({ ok: false, status: 403 });
    expect(check('/guacamole?token=a', { origin: ['http://vigil.example:8080', 'x'] })).toMatchObject({ ok: false, status: 403 });
    expect(check('/guacamole?token=a', { origin: 'https://console.example' }, ['https://console.example']).ok).toBe(true);
    expect(check('/guacamole?token=a', { origin: 'http://vigil.example:8080' }, ['https://console.example'])).toMatchObject({ ok: false, status: 403 });
  });

  it('only GET WebSocket upgrades', () => {
    expect(checkUpgradeRequest({ url: '/guacamole?token=a', method: 'POST', headers }, '/guacamole', null)).toMatchObject({ status: 405 });
    expect(check('/guacamole?token=a', { upgrade: 'h2c' })).toMatchObject({ status: 400 });
  });
});
