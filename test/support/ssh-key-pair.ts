import { utils } from 'ssh2';

export interface KeyPairText {
  private: string;
  public: string;
}

type KeyType = 'ed25519' | 'rsa' | 'ecdsa';

/**
 * `utils.generateKeyPairSync` with a key its own parser accepts. ssh2 now and then (about 1 in 180
 * ed25519 keys here) drops a leading zero byte of the public key, making a key that nothing can
 * parse: a test that used one failed for that reason alone (seen in CI in the authorization matrix).
 */
export function generateParseableKeyPair(type: KeyType, options: { bits?: number; comment?: string } = {}): KeyPairText {
  // ssh2's overloads tie each key type to its own options type; one call site serves all three
  const generate = utils.generateKeyPairSync as (type: KeyType, options: object) => KeyPairText;
  for (let attempt = 0; attempt < 50; attempt++) {
    const pair = generate(type, options);
    const parsedPrivate = utils.parseKey(pair.private);
    const parsedPublic = utils.parseKey(pair.public);
    if (!(parsedPrivate instanceof Error) && !(parsedPublic instanceof Error)) return pair;
  }
  throw new Error('ssh2 generated no parseable key pair in 50 attempts');
}
