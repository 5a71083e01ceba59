import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../test/support/repo-root';

/**
 * Replaces one benchmark's section of BENCHMARKS.md (between `<!-- bench:NAME -->` markers),
 * leaving the other benchmarks' figures as they are. BENCH_MARKDOWN names another file (trial
 * runs on a shared machine, whose figures are not results).
 */
export function writeBenchmarkSection(name: string, markdown: string): string {
  const file = process.env.BENCH_MARKDOWN ? path.resolve(process.env.BENCH_MARKDOWN) : path.join(repoRoot(), 'BENCHMARKS.md');
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const machine = `_Measured ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}._`;
  const section = `${begin}\n${markdown.trim()}\n\n${machine}\n${end}`;
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\nFigures written by the benchmarks under `bench/`; each section says the command that measures it.\n';
  const pattern = new RegExp(`${begin}[\\s\\S]*?${end}`);
  const next = pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
  return file;
}
