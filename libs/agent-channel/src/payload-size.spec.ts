import { checkPayloadSize, payloadBytes } from './payload-size';

describe('payload size', () => {
  it('counts the JSON bytes of the arguments, not the ack', () => {
    expect(payloadBytes([{ a: 'é' }, () => undefined])).toBe(Buffer.byteLength('{"a":"é"}'));
    expect(payloadBytes([Buffer.alloc(10)])).toBe(10);
  });

  it('refuses past the limit', () => {
    expect(checkPayloadSize([{ s: 'x'.repeat(100) }], 200)).toBe('ok');
    expect(checkPayloadSize([{ s: 'x'.repeat(300) }], 200)).toBe('too-large');
  });

  it('says not-json for what JSON.stringify cannot measure', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(checkPayloadSize([cyclic])).toBe('not-json');
  });
});
