import { endReason, isFocusEscape } from './desktop-status';

describe('how a remote desktop ended, in words', () => {
  it('shows the reason of the error instruction Vigil sends before it closes the tunnel', () => {
    expect(endReason(null, { code: 521, message: 'terminated by admin: policy check' })).toBe('terminated by admin: policy check');
  });

  it('keeps the first reason: the close that follows says less', () => {
    const first = endReason(null, { code: 521, message: 'terminated by admin' });
    expect(endReason(first, { code: 0x020d, message: '' })).toBe('terminated by admin');
  });

  it('falls back to words for the status code, and to the code itself when unknown', () => {
    expect(endReason(null, { code: 0x0207, message: '519' })).toBe('the remote desktop cannot be reached');
    expect(endReason(null, { code: 0x0303 })).toBe('not permitted');
    expect(endReason(null, { code: 4242 })).toBe('closed (status 4242)');
    expect(endReason(null, null)).toBe('disconnected');
  });
});

describe('the key that leaves the remote keyboard', () => {
  const key = (over: Partial<Parameters<typeof isFocusEscape>[0]>) => ({ key: 'Q', code: 'KeyQ', ctrlKey: true, altKey: true, shiftKey: true, metaKey: false, ...over });

  it('is Ctrl+Alt+Shift+Q, by code so keyboard layouts do not matter', () => {
    expect(isFocusEscape(key({}))).toBe(true);
    expect(isFocusEscape(key({ key: 'a', code: 'KeyQ' }))).toBe(true);
  });

  it.each([{ ctrlKey: false }, { altKey: false }, { shiftKey: false }, { metaKey: true }, { key: 'Tab', code: 'Tab' }])('not with %p', (over) => {
    expect(isFocusEscape(key(over))).toBe(false);
  });
});
