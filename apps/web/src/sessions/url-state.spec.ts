import type { SessionView } from '../api/types';
import { applyChips, chipChoices, sessionTarget } from './filter-chips';
import { DEFAULT_SORT, parseViewState, viewStateQuery, withChip, withoutChip } from './url-state';

const session = (over: Partial<SessionView>): SessionView =>
  ({ id: 's', type: 'PAM_SSH', status: 'Connected', user: 'alice', owner: 'alice', client: 'vm', serviceProvider: 'db-01', ...over }) as SessionView;

describe('sessions page URL state', () => {
  it('round-trips text, sort and chips, and leaves the default view out of the URL', () => {
    const state = {
      text: 'srv- db',
      sort: { columnId: 'user', direction: 'ascending' as const },
      chips: [
        { field: 'user' as const, value: 'kim & co' },
        { field: 'type' as const, value: 'PAM_SSH' },
        { field: 'type' as const, value: 'WebSSO' },
      ],
    };
    const query = viewStateQuery(state);
    expect(query).toBe('?q=srv-+db&sort=user&dir=asc&type=PAM_SSH&type=WebSSO&user=kim+%26+co');
    const back = parseViewState(new URLSearchParams(query.slice(1)));
    expect(back).toEqual({ ...state, chips: [state.chips[1], state.chips[2], state.chips[0]] });
    expect(viewStateQuery({ text: '', sort: DEFAULT_SORT, chips: [] })).toBe('');
  });

  it('falls back to the default for malformed or hostile parameters', () => {
    const hostile = new URLSearchParams({ sort: '__proto__;alert(1)', dir: 'sideways', type: 'x'.repeat(201), q: 'y'.repeat(500) });
    hostile.append('status', 'Connected');
    hostile.append('status', 'Connected');
    hostile.append('nope', 'ignored');
    const state = parseViewState(hostile);
    expect(state.sort).toEqual(DEFAULT_SORT);
    expect(state.chips).toEqual([{ field: 'status', value: 'Connected' }]);
    expect(state.text).toHaveLength(200);
    expect(parseViewState(new URLSearchParams('sort=user&dir=bogus')).sort).toEqual({ columnId: 'user', direction: 'descending' });
  });

  it('adds a chip once and removes exactly it', () => {
    const a = { field: 'type' as const, value: 'PAM_SSH' };
    const b = { field: 'owner' as const, value: 'bob' };
    expect(withChip(withChip([a], a), b)).toEqual([a, b]);
    expect(withoutChip([a, b], { ...a })).toEqual([b]);
  });
});

describe('filter chips', () => {
  const rows = [
    session({ id: '1', type: 'PAM_SSH', user: 'kim', serviceProvider: 'db-01' }),
    session({ id: '2', type: 'WebSSO', user: 'kim', client: 'crm', serviceProvider: 'idp' }),
    session({ id: '3', type: 'PAM_RDP', user: 'jdoe', serviceProvider: 'hr-07' }),
  ];

  it('ORs values of one field and ANDs fields', () => {
    const ids = (chips: Parameters<typeof applyChips>[1]) => applyChips(rows, chips).map((r) => r.id);
    expect(ids([])).toEqual(['1', '2', '3']);
    expect(ids([{ field: 'type', value: 'PAM_SSH' }, { field: 'type', value: 'PAM_RDP' }])).toEqual(['1', '3']);
    expect(ids([{ field: 'type', value: 'PAM_SSH' }, { field: 'type', value: 'PAM_RDP' }, { field: 'user', value: 'jdoe' }])).toEqual(['3']);
    expect(ids([{ field: 'user', value: 'KIM' }])).toEqual([]);
  });

  it('names the target as the title does: the target of a Vigil session, the client of an agent-reported one', () => {
    expect(rows.map(sessionTarget)).toEqual(['db-01', 'crm', 'hr-07']);
    expect(chipChoices(rows, 'target')).toEqual(['crm', 'db-01', 'hr-07']);
    expect(chipChoices(rows, 'user')).toEqual(['jdoe', 'kim']);
  });
});
