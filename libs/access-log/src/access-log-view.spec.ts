import { AccessLogEntryEntity } from './entities/access-log-entry.entity';
import { toAccessLogView } from './access-log-view';

const entry = (recordingPath: string | null, recordingStatus: AccessLogEntryEntity['recordingStatus'] = null): AccessLogEntryEntity =>
  Object.assign(new AccessLogEntryEntity(), {
    id: '0190a1b2-0000-7000-8000-000000000001',
    startDate: new Date('2025-03-07T10:00:00Z'),
    endDate: new Date('2025-03-07T10:05:00Z'),
    recordingPath,
    recordingStatus,
  });

describe('toAccessLogView: recordingFormat', () => {
  it("is 'asciicast' for the jump's .cast recordings", () => {
    expect(toAccessLogView(entry('2025/03/07/0190a1b2-0000-7000-8000-000000000001.cast', 'complete'))).toMatchObject({
      recordingUrl: '/api/access-logs/0190a1b2-0000-7000-8000-000000000001/recording',
      recordingFormat: 'asciicast',
    });
  });

  it("is 'guacamole' for guacd's .guac recordings", () => {
    expect(toAccessLogView(entry('2025/03/07/rdp-0190a1b2-0000-7000-8000-000000000001.guac', 'complete')).recordingFormat).toBe('guacamole');
  });

  it('is null without a recording (an RDP session guacd left no file for is incomplete, with no format)', () => {
    expect(toAccessLogView(entry(null))).toMatchObject({ recordingUrl: null, recordingStatus: null, recordingFormat: null });
    expect(toAccessLogView(entry(null, 'incomplete'))).toMatchObject({ recordingUrl: null, recordingStatus: 'incomplete', recordingFormat: null });
  });
});
