import { describeTotal } from './access-log-api';
import { csvColumnsFor } from './access-log-columns';
import { EMPTY_FILTERS, apiParams, filtersFromSearch, filtersToSearch } from './filters';

describe('access-log filters', () => {
  it('sends a match mode only with its text, and never the default one', () => {
    expect(apiParams({ ...EMPTY_FILTERS, user: ' ali ', userMatch: 'prefix', targetMatch: 'contains' })).toMatchObject({
      user: 'ali',
      userMatch: 'prefix',
      target: undefined,
      targetMatch: undefined,
    });
    expect(apiParams({ ...EMPTY_FILTERS, user: 'ali', userMatch: 'exact' }).userMatch).toBeUndefined();
  });

  it('ignores a forged mode or flag in the address bar instead of sending it', () => {
    const filters = filtersFromSearch(new URLSearchParams('user=a&userMatch=regex&targetMatch=%25&hasRecording=1'));
    expect(filters).toMatchObject({ user: 'a', userMatch: '', targetMatch: '', hasRecording: '' });
    expect(filtersToSearch({ ...EMPTY_FILTERS, user: 'a%', userMatch: 'prefix', hasRecording: 'true' })).toBe('?user=a%25&userMatch=prefix&hasRecording=true');
  });

  it('round-trips through the address bar', () => {
    const filters = { ...EMPTY_FILTERS, user: 'ali', userMatch: 'prefix', target: 'db', targetMatch: 'contains', hasRecording: 'true', q: 'INC-1' };
    expect(filtersFromSearch(new URLSearchParams(filtersToSearch(filters).slice(1)))).toEqual(filters);
  });

  it('says an exact total, or "more than" a bounded one', () => {
    expect(describeTotal({ count: 1, exact: true })).toBe('1 entry');
    expect(describeTotal({ count: 0, exact: true })).toBe('0 entries');
    expect(describeTotal({ count: 10_000, exact: false })).toBe('More than 10,000 entries');
  });

  it('the CSV adds the session id, target and end message after the shown columns, once', () => {
    expect(csvColumnsFor(['user', 'id'])).toEqual(['user', 'id', 'target', 'endMessage']);
  });
});
