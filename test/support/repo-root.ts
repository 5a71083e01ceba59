import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (the folder holding package.json), from source or from its compiled copy in dist/. */
export function repoRoot(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'tsconfig.json'))) return dir;
  }
  throw new Error(`no package.json above ${from}`);
}
