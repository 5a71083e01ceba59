/**
 * Offline verification of an audit export: `npm run audit:verify -- <export.ndjson> <public-key.pem>`.
 * Prints the verdict as JSON; exit code 0 = intact, 1 = tampering found, 2 = usage or unreadable input.
 */
import * as fs from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { parseExportLine, verifyExport } from './offline-verification';

function main(argv: string[]): number {
  const [exportFile, keyFile] = argv;
  if (!exportFile || !keyFile) {
    process.stderr.write('usage: npm run audit:verify -- <export.ndjson> <audit-signing-public-key.pem>\n');
    return 2;
  }
  let verdict;
  try {
    const key = createPublicKey(fs.readFileSync(keyFile));
    const lines = fs
      .readFileSync(exportFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(parseExportLine);
    verdict = verifyExport(lines, key);
  } catch (error) {
    process.stderr.write(`cannot verify: ${(error as Error).message}\n`);
    return 2;
  }
  process.stdout.write(`${JSON.stringify(verdict)}\n`);
  return verdict.ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
