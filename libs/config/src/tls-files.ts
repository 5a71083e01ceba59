import { X509Certificate, createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';

export interface TlsConfig {
  certFile: string;
  keyFile: string;
  /** PEM, read and checked at boot */
  cert: Buffer;
  key: Buffer;
}

/**
 * TLS_CERT and TLS_KEY (PEM file paths): both or neither. Checked at boot, so a wrong path, an
 * unreadable file, a file that is not a certificate or key, or a key of another certificate stops
 * Vigil with the reason instead of failing the first HTTPS handshake. The key's content never
 * appears in a message.
 */
export function loadTlsFiles(certFile: string | undefined, keyFile: string | undefined): { value: TlsConfig | null; problems: string[] } {
  if (!certFile && !keyFile) return { value: null, problems: [] };
  if (!certFile || !keyFile) return { value: null, problems: ['TLS_CERT and TLS_KEY must be set together (PEM files of the certificate chain and its private key)'] };
  const problems: string[] = [];
  const cert = readFile('TLS_CERT', certFile, problems);
  const key = readFile('TLS_KEY', keyFile, problems);
  if (!cert || !key) return { value: null, problems };
  let certificate: X509Certificate | null = null;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    problems.push(`TLS_CERT ${certFile} is not a PEM certificate`);
  }
  let privateKey: ReturnType<typeof createPrivateKey> | null = null;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    problems.push(`TLS_KEY ${keyFile} is not an unencrypted PEM private key`);
  }
  if (certificate && privateKey && !certificate.checkPrivateKey(privateKey)) {
    problems.push(`TLS_KEY ${keyFile} is not the private key of the certificate in TLS_CERT ${certFile}`);
  }
  return problems.length > 0 ? { value: null, problems } : { value: { certFile, keyFile, cert, key }, problems };
}

function readFile(name: string, file: string, problems: string[]): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    problems.push(`${name} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return null;
  }
}
