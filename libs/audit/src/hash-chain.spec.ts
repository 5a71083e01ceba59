import { GENESIS_HASH, chainHash, verifyChain } from './hash-chain';

function chain(n: number) {
  const records = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields = { seq, at: 1000 + seq, actor: 'alice', action: 'session.join', sessionId: 's1', detail: `{"n":${seq}}` };
    const hash = chainHash(prev, fields);
    records.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return records;
}

describe('audit hash chain', () => {
  it('verifies an intact chain', () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, checked: 5 });
  });

  it('detects an edited record', () => {
    const records = chain(5);
    records[2] = { ...records[2], actor: 'mallory' };
    expect(verifyChain(records)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('detects a removed record', () => {
    const records = chain(5);
    records.splice(1, 1);
    expect(verifyChain(records)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('detects a recomputed hash that no longer links', () => {
    const records = chain(4);
    const forged = { ...records[1], detail: '{"n":99}' };
    forged.hash = chainHash(forged.prevHash, forged);
    records[1] = forged;
    expect(verifyChain(records)).toMatchObject({ ok: false, brokenAt: 3 });
  });
});
