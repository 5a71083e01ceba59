import * as fs from 'node:fs';
import * as path from 'node:path';
import { utils } from 'ssh2';

/** The jump server's own host key, generated once into the data folder (owner-only). */
export function loadJumpHostKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'ssh', 'jump_host_ed25519');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, generateParseableKey(), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file);
}

/**
 * ssh2's generateKeyPairSync('ed25519') occasionally (~1 in 250 here) emits a key its own parser
 * rejects ("Malformed OpenSSH private key"); keep only one it can load.
 */
function generateParseableKey(): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { private: privateKey } = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(privateKey) instanceof Error)) return privateKey;
  }
  throw new Error('could not generate a usable ed25519 host key');
}
