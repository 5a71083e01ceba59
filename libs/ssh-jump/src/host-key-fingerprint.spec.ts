import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decideHostKey, normalizeFingerprint, sha256Fingerprint } from './host-key-fingerprint';

describe('host key fingerprints', () => {
  it('matches ssh-keygen -l for the same key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fp-'));
    try {
      const keyPath = path.join(dir, 'k');
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
      const line = fs.readFileSync(`${keyPath}.pub`, 'utf8');
      const expected = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${keyPath}.pub`], { encoding: 'utf8' }).stdout.split(/\s+/)[1];
      expect(sha256Fingerprint(Buffer.from(line.split(' ')[1], 'base64'))).toBe(expected);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('normalizes prefix and padding', () => {
    expect(normalizeFingerprint('abc=')).toBe('SHA256:abc');
    expect(normalizeFingerprint(' sha256:abc ')).toBe('SHA256:abc');
  });

  it('pins when nothing is pinned, accepts a match, refuses a mismatch', () => {
    expect(decideHostKey(null, 'SHA256:x')).toEqual({ action: 'pin' });
    expect(decideHostKey(undefined, 'SHA256:x')).toEqual({ action: 'pin' });
    expect(decideHostKey('x', 'SHA256:x')).toEqual({ action: 'accept' });
    expect(decideHostKey('SHA256:y', 'SHA256:x')).toEqual({ action: 'refuse', expected: 'SHA256:y' });
  });
});
