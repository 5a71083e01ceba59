import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VigilConfig } from '@vigil/config';

/**
 * The credential key: VIGIL_MASTER_KEY when set (required when several gateways share one
 * database), else a key file created once in the data folder with owner-only permissions.
 */
export function loadCredentialKey(config: VigilConfig): Buffer {
  if (config.masterKey) return config.masterKey;
  const file = path.join(config.dataDir, 'secrets', 'credential.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}
