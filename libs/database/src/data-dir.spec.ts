import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareSqliteFile, secureDataDir } from './data-dir';

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

describe('data folder permissions', () => {
  let root: string;
  let umask: number;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-data-dir-'));
    // The most permissive umask a service manager could hand us: modes must not depend on it.
    umask = process.umask(0);
  });
  afterEach(() => {
    process.umask(umask);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates a missing folder (and its missing parents) 0700 whatever the umask', () => {
    const dir = path.join(root, 'var', 'vigil');
    secureDataDir(dir);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(path.dirname(dir))).toBe(0o700);
  });

  it('tightens a folder left open, and everything in it: folders 0700, files 0600', () => {
    const dir = path.join(root, 'data');
    fs.mkdirSync(path.join(dir, 'recordings', '2026-12-01'), { recursive: true, mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'vigil.sqlite'), '', { mode: 0o644 });
    fs.writeFileSync(path.join(dir, 'vigil.sqlite-wal'), '', { mode: 0o666 });
    fs.writeFileSync(path.join(dir, 'recordings', '2026-12-01', 'a.cast'), '', { mode: 0o644 });
    secureDataDir(dir);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(path.join(dir, 'recordings'))).toBe(0o700);
    expect(modeOf(path.join(dir, 'recordings', '2026-12-01'))).toBe(0o700);
    expect(modeOf(path.join(dir, 'vigil.sqlite'))).toBe(0o600);
    expect(modeOf(path.join(dir, 'vigil.sqlite-wal'))).toBe(0o600);
    expect(modeOf(path.join(dir, 'recordings', '2026-12-01', 'a.cast'))).toBe(0o600);
  });

  it('does not follow a symbolic link out of the folder', () => {
    const outside = path.join(root, 'outside.txt');
    fs.writeFileSync(outside, 'not ours', { mode: 0o644 });
    const dir = path.join(root, 'data');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.symlinkSync(outside, path.join(dir, 'link'));
    secureDataDir(dir);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(outside)).toBe(0o644);
  });

  it('creates the SQLite file 0600 before SQLite would, and tightens its existing -wal/-shm', () => {
    const dir = path.join(root, 'data');
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'vigil.sqlite-shm'), '', { mode: 0o644 });
    prepareSqliteFile(path.join(dir, 'vigil.sqlite'));
    expect(fs.statSync(path.join(dir, 'vigil.sqlite')).size).toBe(0);
    expect(modeOf(path.join(dir, 'vigil.sqlite'))).toBe(0o600);
    expect(modeOf(path.join(dir, 'vigil.sqlite-shm'))).toBe(0o600);
    // an existing database is kept as it is
    fs.writeFileSync(path.join(dir, 'vigil.sqlite'), 'data');
    prepareSqliteFile(path.join(dir, 'vigil.sqlite'));
    expect(fs.readFileSync(path.join(dir, 'vigil.sqlite'), 'utf8')).toBe('data');
  });
});
