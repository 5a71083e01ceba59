import { join, resolve } from 'node:path';
import { recordingFileName, resolveRecordingPath } from './recording-file-name';

describe('recordingFileName', () => {
  it('builds YYYY/MM/DD/<sessionId>.vcast from the UTC date', () => {
    expect(recordingFileName('3f2a-session_1', new Date('2025-03-07T10:00:00Z'))).toBe('2025/03/07/3f2a-session_1.vcast');
    // 23:30 on Dec 31 in UTC-5 is already Jan 1 in UTC: the folder must not depend on the server zone.
    expect(recordingFileName('s', new Date('2024-12-31T23:30:00-05:00'))).toBe('2025/01/01/s.vcast');
  });

  it('names a Guacamole recording .guac, in the same dated folder', () => {
    expect(recordingFileName('rdp-t1', new Date('2025-03-07T10:00:00Z'), 'guacamole')).toBe('2025/03/07/rdp-t1.guac');
    expect(recordingFileName('s', new Date('2025-03-07T10:00:00Z'), 'asciicast')).toBe('2025/03/07/s.vcast');
  });

  it.each(['', '..', '../etc/passwd', 'a/b', 'a\\b', '.hidden', 'a.b', 'a b', 'a\0b', '/abs', 'x'.repeat(129), 'é'])(
    'rejects the unsafe session id %j',
    (sessionId) => {
      expect(() => recordingFileName(sessionId, new Date('2025-01-01T00:00:00Z'))).toThrow(/unsafe session id/);
    },
  );

  it('rejects an invalid date', () => {
    expect(() => recordingFileName('s', new Date('not a date'))).toThrow(/not a valid date/);
  });
});

describe('resolveRecordingPath', () => {
  const root = resolve('/var/lib/vigil/recordings');

  it('resolves a stored relative path inside the root', () => {
    expect(resolveRecordingPath(root, '2025/03/07/s.cast')).toBe(join(root, '2025/03/07/s.cast'));
  });

  it.each(['../secrets', '2025/../../x', '/etc/passwd', '', '.', 'a/../..', 'a\0b'])(
    'refuses %j, which would escape or not name a file under the root',
    (relativePath) => {
      expect(() => resolveRecordingPath(root, relativePath)).toThrow(RangeError);
    },
  );
});
