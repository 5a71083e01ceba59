import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The compiled script of a worker thread. `callerFile` is the caller's `__filename` and
 * `fromRoot` the worker's path in the repository without its extension
 * (`libs/recording/src/threaded/recording-worker`). Compiled, the worker sits beside the caller;
 * run from TypeScript (jest), its compiled twin under `dist/` is used, since a worker thread
 * cannot load TypeScript.
 */
export function compiledWorkerFile(callerFile: string, fromRoot: string): string {
  if (callerFile.endsWith('.js')) return path.join(path.dirname(callerFile), `${path.basename(fromRoot)}.js`);
  for (let dir = path.dirname(callerFile); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const built = path.join(dir, 'dist', `${fromRoot}.js`);
      if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
      return built;
    }
  }
  throw new Error(`${path.basename(fromRoot)}: cannot find the repository root`);
}
