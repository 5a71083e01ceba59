import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('@vigil/recording dependency direction', () => {
  // Protocol libs (the jump, the RDP tunnel) depend on recording, never the other way round: playback
  // finds files through the access log and the live session's recordingFile.
  const FORBIDDEN = ['@vigil/ssh-jump', '@vigil/rdp', '@vigil/web-terminal', '@vigil/ssm'];

  it.each(FORBIDDEN)('imports nothing from %s', (lib) => {
    const root = path.join(__dirname, '..');
    const offenders = sources(root).filter((file) => new RegExp(`from '${lib}(/|')`).test(fs.readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('finds the files it checks (a moved folder must not make this pass vacuously)', () => {
    expect(sources(path.join(__dirname, '..')).map((f) => path.basename(f))).toEqual(expect.arrayContaining(['recordings.controller.ts', 'recording-format.ts']));
  });
});
