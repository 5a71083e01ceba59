import { ListenerSet } from './listener-set';

describe('ListenerSet', () => {
  it('calls listeners in order and supports unsubscribe', () => {
    const set = new ListenerSet<string, number>(() => undefined);
    const calls: string[] = [];
    const off = set.add((a, b) => calls.push(`1:${a}${b}`));
    set.add((a, b) => calls.push(`2:${a}${b}`));
    set.emit('x', 1);
    off();
    set.emit('y', 2);
    expect(calls).toEqual(['1:x1', '2:x1', '2:y2']);
  });

  it('isolates a throwing listener', () => {
    const errors: unknown[] = [];
    const set = new ListenerSet<string>((err) => errors.push(err));
    const calls: string[] = [];
    set.add(() => {
      throw new Error('boom');
    });
    set.add((a) => calls.push(a));
    set.emit('x', undefined);
    expect(calls).toEqual(['x']);
    expect(errors).toHaveLength(1);
  });
});
