import * as fs from 'node:fs';
import * as path from 'node:path';
import { utils } from 'ssh2';

/** The jump server's own host key, generated once into the data folder (owner-only). */
export function loadJumpHostKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'ssh', 'jump_host_ed25519');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { private: privateKey } = utils.generateKeyPairSync('ed25519');
    fs.writeFileSync(file, privateKey, { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file);
}
