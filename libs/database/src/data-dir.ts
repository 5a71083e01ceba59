import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The data folder holds the SQLite database, recordings (everything users typed and saw), the
 * jump's host key and the credential key: only Vigil's own account may enter it. Modes are set
 * with chmod, not left to the process umask (which a service manager or a shell may loosen).
 */
export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/**
 * Creates the data folder owner-only. A folder an older version (or an operator) left open is
 * tightened with everything inside it, folders 0700 and files 0600: once, on the first boot that
 * finds it open (walking a large recordings tree at every boot would cost for nothing). Runs
 * before anything is opened. Symbolic links inside are left alone (chmod would follow them out).
 */
export function secureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  const stat = fs.statSync(dir);
  if ((stat.mode & 0o777) === DATA_DIR_MODE) return;
  tighten(dir, stat);
}

/**
 * Creates the SQLite file 0600 before SQLite does (it would create it 0644 minus the umask).
 * SQLite gives its `-wal` and `-shm` files the database file's own mode, so they follow.
 */
export function prepareSqliteFile(file: string): void {
  secureDataDir(path.dirname(file));
  fs.closeSync(fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_WRONLY | fs.constants.O_APPEND, DATA_FILE_MODE));
  for (const suffix of ['', '-wal', '-shm', '-journal']) setMode(file + suffix, DATA_FILE_MODE);
}

function tighten(entry: string, stat: fs.Stats): void {
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(entry)) {
      const child = path.join(entry, name);
      const childStat = fs.lstatSync(child);
      if (!childStat.isSymbolicLink()) tighten(child, childStat);
    }
    // Last: the folder stays enterable for the walk until its contents are done.
    setMode(entry, DATA_DIR_MODE, stat);
  } else if (stat.isFile()) {
    setMode(entry, DATA_FILE_MODE, stat);
  }
}

/** chmod to exactly `mode` when it differs; a missing file is fine (not created yet). */
function setMode(file: string, mode: number, known?: fs.Stats): void {
  let stat = known;
  if (!stat) {
    try {
      stat = fs.lstatSync(file);
    } catch {
      return; // not there (yet): nothing to tighten
    }
  }
  if (stat.isSymbolicLink()) return;
  if ((stat.mode & 0o777) !== mode) fs.chmodSync(file, mode);
}
