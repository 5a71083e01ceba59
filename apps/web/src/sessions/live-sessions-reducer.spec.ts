import type { SessionView } from '../api/types';
import { liveSessionsReducer, type LiveAction } from './live-sessions-reducer';

const session = (id: string, user = 'jdoe') => ({ id, user }) as SessionView;
const ids = (state: Map<string, SessionView>) => [...state.keys()];

describe('live sessions reducer', () => {
  const start = liveSessionsReducer(new Map(), { type: 'snapshot', items: [session('a'), session('b'), session('c')] });

  it('a batch gives what its actions one by one give, with the input untouched', () => {
    const actions: LiveAction[] = [
      { type: 'remove', id: 'a' },
      { type: 'upsert', session: session('d') },
      { type: 'upsert', session: session('b', 'other') },
      { type: 'remove', id: 'zz' },
      { type: 'remove', id: 'd' },
      { type: 'upsert', session: session('e') },
    ];
    const oneByOne = actions.reduce(liveSessionsReducer, start);
    const batched = liveSessionsReducer(start, { type: 'batch', actions });
    expect(ids(batched)).toEqual(ids(oneByOne));
    expect([...batched.values()]).toEqual([...oneByOne.values()]);
    expect(ids(batched)).toEqual(['b', 'c', 'e']);
    expect(batched.get('b')?.user).toBe('other');
    expect(ids(start)).toEqual(['a', 'b', 'c']);
    expect(start.get('b')?.user).toBe('jdoe');
  });

  it('a batch that changes nothing returns the same state (no re-render)', () => {
    expect(liveSessionsReducer(start, { type: 'batch', actions: [] })).toBe(start);
    expect(liveSessionsReducer(start, { type: 'batch', actions: [{ type: 'remove', id: 'nope' }] })).toBe(start);
  });

  it('a snapshot inside a batch replaces what came before it, and later actions apply on top', () => {
    const batched = liveSessionsReducer(start, {
      type: 'batch',
      actions: [{ type: 'upsert', session: session('x') }, { type: 'snapshot', items: [session('s')] }, { type: 'upsert', session: session('t') }],
    });
    expect(ids(batched)).toEqual(['s', 't']);
    expect(ids(start)).toEqual(['a', 'b', 'c']);
  });

  it('nested batches never mutate a state they were handed', () => {
    const inner: LiveAction = { type: 'batch', actions: [{ type: 'remove', id: 'nope' }] };
    const batched = liveSessionsReducer(start, { type: 'batch', actions: [inner, { type: 'upsert', session: session('n') }] });
    expect(ids(batched)).toEqual(['a', 'b', 'c', 'n']);
    expect(ids(start)).toEqual(['a', 'b', 'c']);
  });
});
