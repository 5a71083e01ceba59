import { ChainVerifier, GENESIS_HASH, chainHash, verifyChain } from './hash-chain';

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

/** What an attacker with write access to the table does: edit one record, then re-chain everything after it. */
function rewrite(records: ReturnType<typeof chain>, index: number, actor: string) {
  const out = records.map((r) => ({ ...r }));
  out[index].actor = actor;
  for (let i = index; i < out.length; i++) {
    out[i].prevHash = i === 0 ? GENESIS_HASH : out[i - 1].hash;
    out[i].hash = chainHash(out[i].prevHash, out[i]);
  }
  return out;
}

const headOf = (records: ReturnType<typeof chain>) => ({ seq: records.length, hash: records.length ? records[records.length - 1].hash : GENESIS_HASH, source: 'head' as const });

describe('audit hash chain', () => {
  it('keeps the hash every stored chain was written with: sha256(prevHash, "\\n", JSON of the fields)', () => {
    // computed with the three Hash.update calls this used until v0.7.5; a change here breaks every stored chain
    const fields = { seq: 1, at: 1000, actor: 'user:alice', action: 'session.join', sessionId: null, detail: '{"a":"é\\n"}' };
    expect(chainHash(GENESIS_HASH, fields)).toBe('bd1c5df03bae18326544e4319f09102a5a26c22e56721998a93250dfdfe57435');
  });

  it('verifies an intact chain, with and without its head', () => {
    const records = chain(5);
    expect(verifyChain(records)).toEqual({ ok: true, checked: 5 });
    expect(verifyChain(records, [headOf(records)])).toEqual({ ok: true, checked: 5 });
    expect(verifyChain([], [headOf([])])).toEqual({ ok: true, checked: 0 });
  });

  it('detects an edited record', () => {
    const records = chain(5);
    records[2] = { ...records[2], actor: 'mallory' };
    expect(verifyChain(records)).toEqual({ ok: false, checked: 2, brokenAt: 3, reason: 'record-mismatch' });
  });

  it('detects a record removed from the middle', () => {
    const records = chain(5);
    records.splice(1, 1);
    expect(verifyChain(records)).toEqual({ ok: false, checked: 1, brokenAt: 2, reason: 'missing-record' });
  });

  it('detects a reordered or repeated record', () => {
    const records = chain(4);
    expect(verifyChain([records[0], records[2], records[1], records[3]])).toMatchObject({ ok: false, brokenAt: 2, reason: 'missing-record' });
    expect(verifyChain([records[0], records[1], records[1], records[2]])).toMatchObject({ ok: false, brokenAt: 2, reason: 'record-mismatch' });
  });

  it('detects a recomputed hash that no longer links', () => {
    const records = chain(4);
    const forged = { ...records[1], detail: '{"n":99}' };
    forged.hash = chainHash(forged.prevHash, forged);
    records[1] = forged;
    expect(verifyChain(records)).toMatchObject({ ok: false, brokenAt: 3, reason: 'record-mismatch' });
  });

  it('a rewrite that recomputes every later hash links again: only the head tells', () => {
    const original = chain(6);
    const forged = rewrite(original, 2, 'mallory');
    expect(verifyChain(forged)).toEqual({ ok: true, checked: 6 });
    expect(verifyChain(forged, [headOf(original)])).toEqual({ ok: false, checked: 5, brokenAt: 6, reason: 'head-mismatch' });
    // ...and a forged head that matches is accepted: the head is no stronger than the table it sits in
    expect(verifyChain(forged, [headOf(forged)])).toEqual({ ok: true, checked: 6 });
  });

  it('detects deleted last records (the chain falls short of the head)', () => {
    const records = chain(6);
    const head = headOf(records);
    expect(verifyChain(records.slice(0, 4), [head])).toEqual({ ok: false, checked: 4, brokenAt: 5, reason: 'truncated' });
    expect(verifyChain([], [head])).toEqual({ ok: false, checked: 0, brokenAt: 1, reason: 'truncated' });
  });

  it('checks every anchor on the way (room for signed checkpoints)', () => {
    const original = chain(8);
    const forged = rewrite(original, 5, 'mallory');
    const checkpoint = { seq: 4, hash: original[3].hash, source: 'checkpoint' as const };
    const laterCheckpoint = { seq: 7, hash: original[6].hash, source: 'checkpoint' as const };
    expect(verifyChain(forged, [checkpoint, headOf(forged)])).toEqual({ ok: true, checked: 8 });
    expect(verifyChain(forged, [laterCheckpoint, checkpoint, headOf(forged)])).toEqual({ ok: false, checked: 6, brokenAt: 7, reason: 'checkpoint-mismatch' });
    // a head reset to the genesis while records exist
    expect(verifyChain(original, [{ seq: 0, hash: 'f'.repeat(64), source: 'head' }])).toMatchObject({ ok: false, brokenAt: 1, reason: 'head-mismatch' });
  });

  it('verifies page by page and stops feeding at the first problem', () => {
    const records = chain(10);
    records[3] = { ...records[3], actor: 'mallory' };
    const verifier = new ChainVerifier([headOf(chain(10))]);
    expect(verifier.addAll(records.slice(0, 3))).toBe(true);
    expect(verifier.addAll(records.slice(3, 6))).toBe(false);
    expect(verifier.add(records[6])).toBe(false);
    expect(verifier.finish()).toEqual({ ok: false, checked: 3, brokenAt: 4, reason: 'record-mismatch' });
  });
});
