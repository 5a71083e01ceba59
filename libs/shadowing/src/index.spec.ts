import * as shadowing from '@vigil/shadowing';

it('exposes the public API through the @vigil/shadowing alias', () => {
  expect(Object.keys(shadowing).sort()).toEqual(
    [
      'ControlLock',
      'GUACAMOLE_JOIN_MINTER',
      'GuacamoleStream',
      'LiveCore',
      'LiveHub',
      'LiveModule',
      'MAX_MIRROR_COLS',
      'MAX_MIRROR_ROWS',
      'OutputCoalescer',
      'SESSION_NOT_FOUND',
      'SESSION_USER',
      'ScreenMirror',
      'Utf8StreamDecoder',
      'ViewerBackpressure',
      'controlNotice',
      'controlVerdict',
      'inputVerdict',
      'shadowVerdict',
      'watchScope',
      'systemFlushScheduler',
      'transportBacklog',
    ].sort(),
  );
});
