import { createCipheriv, randomBytes } from 'node:crypto';

/** What guacamole-lite reads from its token: a new connection (`type`) or a join (`join: '$id'`). */
export type GuacamoleLiteConnection =
  | { type: 'rdp' | 'vnc'; settings: Record<string, string | number | boolean> }
  | { join: string; settings: Record<string, string | number | boolean> };

/**
 * guacamole-lite's token, `base64(JSON{iv, value})` with AES-256-CBC, built only by Vigil after
 * its own checks, with a key that never leaves this process (random per start: these tokens live
 * for the one upgrade that carries them). The JSON is UTF-8: guacamole-lite 1.2.0 decodes it as
 * ASCII, which mangles non-ASCII passwords; patches/guacamole-lite+1.2.0.patch makes it UTF-8.
 */
export function guacamoleLiteToken(key: Buffer, connection: GuacamoleLiteConnection): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const value = Buffer.concat([cipher.update(JSON.stringify({ connection }), 'utf8'), cipher.final()]);
  return Buffer.from(JSON.stringify({ iv: iv.toString('base64'), value: value.toString('base64') }), 'utf8').toString('base64');
}
