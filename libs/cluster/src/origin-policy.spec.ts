import { originAllowed } from './origin-policy';

describe('originAllowed (socket.io handshakes)', () => {
  it('without an allow-list: only the origin of the host the request was sent to', () => {
    expect(originAllowed('http://127.0.0.1:8080', '127.0.0.1:8080', null)).toBe(true);
    expect(originAllowed('https://Vigil.Example.com', 'vigil.example.com', null)).toBe(true);
    // default ports written or not
    expect(originAllowed('https://vigil.example.com', 'vigil.example.com:443', null)).toBe(true);
    // behind a TLS-terminating proxy the request is http, the page https: same host, allowed
    expect(originAllowed('https://vigil.example.com', 'vigil.example.com', null)).toBe(true);
    expect(originAllowed('http://[::1]:8080', '[::1]:8080', null)).toBe(true);
  });

  it('refuses forged and odd origins', () => {
    expect(originAllowed('https://evil.example', 'vigil.example.com', null)).toBe(false);
    expect(originAllowed('https://vigil.example.com.evil.example', 'vigil.example.com', null)).toBe(false);
    expect(originAllowed('http://127.0.0.1:9999', '127.0.0.1:8080', null)).toBe(false);
    expect(originAllowed('null', '127.0.0.1:8080', null)).toBe(false);
    expect(originAllowed('', '127.0.0.1:8080', null)).toBe(false);
    expect(originAllowed('file://', '127.0.0.1:8080', null)).toBe(false);
    expect(originAllowed('https://a.example, https://vigil.example.com', 'vigil.example.com', null)).toBe(false);
    expect(originAllowed('http://127.0.0.1:8080', undefined, null)).toBe(false);
    expect(originAllowed('http://127.0.0.1:8080', 'bad host', null)).toBe(false);
  });

  it('no Origin at all (CLI, agents, node clients): allowed, the token decides', () => {
    expect(originAllowed(undefined, '127.0.0.1:8080', null)).toBe(true);
    expect(originAllowed(undefined, undefined, ['https://vigil.example.com'])).toBe(true);
  });

  it('with an allow-list: exactly its origins, even when Host would match (DNS rebinding)', () => {
    const list = ['https://vigil.example.com', 'https://ops.example.com:8443'];
    expect(originAllowed('https://vigil.example.com', 'anything', list)).toBe(true);
    expect(originAllowed('https://ops.example.com:8443', 'anything', list)).toBe(true);
    expect(originAllowed('http://vigil.example.com', 'vigil.example.com', list)).toBe(false);
    expect(originAllowed('https://rebound.example', 'rebound.example', list)).toBe(false);
  });
});
