import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { repoRoot } from './repo-root';

const ROOT = repoRoot();

/**
 * Compiles the `vigil-agent` CLI (apps/agent + libs/agent-sdk, transpile only) into `dir` and
 * returns an executable wrapper: the real program as a shell would run it, from current sources
 * (dist/ may be stale while tests run). `@vigil/agent-sdk` is rewritten to the compiled copy.
 */
export function buildAgentCli(dir: string): string {
  const out = path.join(dir, 'agent-cli');
  const sdkIndex = path.join(out, 'libs', 'agent-sdk', 'src', 'index.js');
  for (const folder of ['apps/agent/src', 'libs/agent-sdk/src']) {
    fs.mkdirSync(path.join(out, folder), { recursive: true });
    for (const name of fs.readdirSync(path.join(ROOT, folder))) {
      if (!name.endsWith('.ts') || name.endsWith('.spec.ts')) continue;
      const source = fs.readFileSync(path.join(ROOT, folder, name), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: name,
      });
      const code = outputText.replace(/require\("@vigil\/agent-sdk"\)/g, `require(${JSON.stringify(sdkIndex)})`);
      fs.writeFileSync(path.join(out, folder, name.replace(/\.ts$/, '.js')), code.replace(/^#!.*\n/, ''));
    }
  }
  const bin = path.join(dir, 'vigil-agent');
  // NODE_PATH: the compiled copy lives outside the repository, its packages do not.
  fs.writeFileSync(bin, `#!/bin/sh\nNODE_PATH=${JSON.stringify(path.join(ROOT, 'node_modules'))} exec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(out, 'apps', 'agent', 'src', 'main.js'))} "$@"\n`, { mode: 0o755 });
  // sshd runs the PAM hook as root from its own cwd: every path above must be reachable.
  fs.chmodSync(dir, 0o755);
  return bin;
}
