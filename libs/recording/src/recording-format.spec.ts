import { FRAMED_RECORDING_EXTENSION, RECORDING_EXTENSIONS } from '@vigil/common';
import { FRAMED_EXTENSION } from './framed/framed-format';
import { RECORDING_CONTENT_TYPES, UNKNOWN_RECORDING_CONTENT_TYPE, recordingFormatOf, servedRecording } from './recording-format';

describe('recordingFormatOf', () => {
  it.each([
    ['2025/03/07/0190a1b2-0000-7000-8000-000000000001.vcast', 'asciicast'],
    ['2025/03/07/0190a1b2-0000-7000-8000-000000000001.cast', 'asciicast'],
    ['2025/03/07/rdp-0190a1b2-0000-7000-8000-000000000001.guac', 'guacamole'],
    ['/var/lib/vigil/recordings/2025/03/07/s.guac', 'guacamole'],
  ])('tells %s is %s from its extension', (stored, format) => {
    expect(recordingFormatOf(stored)).toBe(format);
  });

  it.each([null, undefined, '', 's', 's.cast.bak', 's.vcast.bak', 's.guacamole', 's.CAST', 's.VCAST', 'cast', 'guac', 's.cast/', 's.txt'])(
    'knows no format for %j',
    (stored) => {
      expect(recordingFormatOf(stored)).toBeNull();
    },
  );
});

describe('servedRecording', () => {
  it('serves a stored asciicast as before: application/x-asciicast, <id>.cast, raw or not', () => {
    const asStored = { format: 'asciicast', contentType: 'application/x-asciicast', fileName: 'abc.cast', convert: false };
    expect(servedRecording('abc', '2025/01/01/abc.cast')).toEqual(asStored);
    expect(servedRecording('abc', '2025/01/01/abc.cast', true)).toEqual(asStored);
  });

  it('serves a framed recording converted to asciicast, or its stored bytes as the vendor type when raw', () => {
    expect(servedRecording('abc', '2025/01/01/abc.vcast')).toEqual({ format: 'asciicast', contentType: 'application/x-asciicast', fileName: 'abc.cast', convert: true });
    expect(servedRecording('abc', '2025/01/01/abc.vcast', true)).toEqual({
      format: 'asciicast',
      contentType: 'application/vnd.vigil.terminal-recording',
      fileName: 'abc.vcast',
      convert: false,
    });
  });

  it("serves guacd's recordings as the vendor type, <id>.guac, named by the entry id, not the stored name", () => {
    expect(servedRecording('abc', '2025/01/01/rdp-abc.guac')).toEqual({
      format: 'guacamole',
      contentType: 'application/vnd.vigil.guacamole-recording',
      fileName: 'abc.guac',
      convert: false,
    });
  });

  it('serves a file of no known format as opaque bytes, never as a playable type', () => {
    const served = servedRecording('abc', '2025/01/01/abc.sh');
    expect(served).toEqual({ format: null, contentType: UNKNOWN_RECORDING_CONTENT_TYPE, fileName: 'abc', convert: false });
    expect(Object.values(RECORDING_CONTENT_TYPES)).not.toContain(served.contentType);
  });
});

describe('the framed extension', () => {
  it('is the one the recording thread frames by (it cannot import @vigil/common), and what terminals are written as', () => {
    expect(FRAMED_EXTENSION).toBe(FRAMED_RECORDING_EXTENSION);
    expect(RECORDING_EXTENSIONS.asciicast).toBe(FRAMED_EXTENSION);
  });
});
