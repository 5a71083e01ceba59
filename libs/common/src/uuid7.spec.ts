import { uuidv7 } from './uuid7';

describe('uuidv7', () => {
  it('is a version 7, variant 1 UUID carrying the timestamp', () => {
    const id = uuidv7(0x0193a1b2c3d4);
    expect(id).toMatch(/^0193a1b2-c3d4-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts by creation time', () => {
    const ids = [uuidv7(1000), uuidv7(2000), uuidv7(3000)];
    expect([...ids].sort()).toEqual(ids);
  });

  it('is unique within one millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(5)));
    expect(ids.size).toBe(1000);
  });
});

describe('uuid random bits from the pool', () => {
  it('never hands out the same random bits twice, across pool refills (4 KiB = 256 ids each)', () => {
    // the timestamp is fixed: only the random bits can tell 1,000 ids apart
    const ids = Array.from({ length: 1000 }, () => uuidv7(7));
    const random = ids.map((id) => id.replace(/-/g, '').slice(13)); // past the timestamp and version nibble
    expect(new Set(random).size).toBe(1000);
    // and they look random: every hex digit appears in the random part of a few ids
    expect(new Set(random.slice(0, 20).join('')).size).toBe(16);
  });
});
