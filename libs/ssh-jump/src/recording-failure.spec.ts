import { recordingFailureCause, strictRecordingNotice } from './recording-failure';

describe('recordingFailureCause', () => {
  it('keeps the cause, never the path', () => {
    const path = '/srv/vigil/recordings/2026/01/02/0190-abc.cast';
    expect(recordingFailureCause(new Error(`recording ${path} failed: EFBIG: file too large, write`))).toBe('file too large (EFBIG)');
    expect(recordingFailureCause(new Error(`ENOTDIR: not a directory, mkdir '${path}'`))).toBe('not a directory (ENOTDIR)');
    expect(recordingFailureCause(`ENOSPC: no space left on device, write`)).toBe('no space left on device (ENOSPC)');
    expect(recordingFailureCause(new Error('the recording thread crashed: out of memory'))).toBe('the recording thread stopped');
    expect(recordingFailureCause(new Error(`${path} is odd`))).toBe('write error');
  });

  it('names the failure and the target in the notice', () => {
    expect(strictRecordingNotice('db-01', 'file too large (EFBIG)')).toBe(
      'The recording of this session failed (file too large (EFBIG)). Target "db-01" requires recording, so the session has been ended.',
    );
  });
});
