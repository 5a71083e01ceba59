import * as fs from 'node:fs';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';

/** Where a generated bootstrap password is kept: beside the other secrets of the data folder. */
export const adminPasswordPath = (dataDir: string): string => path.join(dataDir, 'secrets', 'admin-password');

/**
 * Writes the generated password of the bootstrap administrator to VIGIL_DATA_DIR/secrets/
 * admin-password, readable by this account only (file 0600, folder 0700), so that it need not go
 * to stdout, which under Docker or systemd is a log kept and shipped elsewhere. Written to a
 * temporary file first and renamed: never a half-written or world-readable moment. Returns the
 * path, or null when it could not be written (the caller then shows the password once instead,
 * rather than lock the operator out).
 */
export function writeAdminPasswordFile(dataDir: string, password: string): string | null {
  const file = adminPasswordPath(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.rmSync(temporary, { force: true });
    fs.writeFileSync(temporary, `${password}\n`, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temporary, file);
    return file;
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    new Logger('Bootstrap').error(`cannot write the generated admin password to ${file}: ${(error as Error).message}`);
    return null;
  }
}
