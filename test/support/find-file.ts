import * as fs from 'node:fs';
import * as path from 'node:path';

/** The first file called `name` below `dir` (e.g. a stored recording), or null. */
export function findFile(dir: string, name: string): string | null {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    } else if (entry.name === name) return full;
  }
  return null;
}
