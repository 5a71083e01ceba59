import { RECORDING_CONTENT_TYPES, UNKNOWN_RECORDING_CONTENT_TYPE, recordingFormatOf, servedRecording } from './recording-format';

describe('recordingFormatOf', () => {
  it.each([
    ['2025/03/07/0190a1b2-0000-7000-8000-000000000001.cast', 'asciicast'],
    ['2025/03/07/rdp-0190a1b2-0000-7000-8000-000000000001.guac', 'guacamole'],
    ['/var/lib/vigil/recordings/2025/03/07/s.guac', 'guacamole'],
  ])('tells %s is %s from its extension', (stored, format) => {
    expect(recordingFormatOf(stored)).toBe(format);
  });

  it.each([null, undefined, '', 's', 's.cast.bak', 's.guacamole', 's.CAST', 'cast', 'guac', 's.cast/', 's.txt'])(
    'knows no format for %j',
    (stored) => {
      expect(recordingFormatOf(stored)).toBeNull();
    },
  );
});

describe('servedRecording', () => {
  it('serves asciicast as before: application/x-asciicast, <id>.cast', () => {
    expect(servedRecording('abc', '2025/01/01/abc.cast')).toEqual({ format: 'asciicast', contentType: 'application/x-asciicast', fileName: 'abc.cast' });
  });

  it("serves guacd's recordings as the vendor type, <id>.guac, named by the entry id, not the stored name", () => {
    expect(servedRecording('abc', '2025/01/01/rdp-abc.guac')).toEqual({
      format: 'guacamole',
      contentType: 'application/vnd.vigil.guacamole-recording',
      fileName: 'abc.guac',
    });
  });

  it('serves a file of no known format as opaque bytes, never as a playable type', () => {
    const served = servedRecording('abc', '2025/01/01/abc.sh');
    expect(served).toEqual({ format: null, contentType: UNKNOWN_RECORDING_CONTENT_TYPE, fileName: 'abc' });
    expect(Object.values(RECORDING_CONTENT_TYPES)).not.toContain(served.contentType);
  });
});
