import { randomBytes } from 'node:crypto';
import { Client, utils, type ParsedKey } from 'ssh2';
import { JumpServer, type JumpPorts, type JumpPublicKey, type JumpTarget, type JumpUser } from './index';
import { generateParseableKeyPair } from '../../../test/support/ssh-key-pair';

/**
 * Public-key login must prove possession of the registered private key. A penetration test found
 * that a publickey request naming another signature algorithm than the key's type (e.g.
 * `rsa-sha2-256` over an ed25519 key), with a garbage signature, was accepted: ssh2's verify()
 * answers such a mismatch with an Error object, which is truthy.
 *
 * This spec drives the real jump server with an ssh2 client whose signing is replaced by the
 * attacker's: each forged request is sent signed at once (no "would this key do?" probe first,
 * as an attacker would), for every registered key type × every algorithm name.
 */

type KeyKind = 'ed25519' | 'rsa' | 'ecdsa256' | 'ecdsa384' | 'ecdsa521';
const KEY_KINDS: KeyKind[] = ['ed25519', 'rsa', 'ecdsa256', 'ecdsa384', 'ecdsa521'];
const ALGORITHM_NAMES = [
  'ssh-ed25519',
  'ssh-rsa',
  'rsa-sha2-256',
  'rsa-sha2-512',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-dss',
  'sk-ssh-ed25519@openssh.com',
  'ssh-ed25519-cert-v01@openssh.com',
];

function generate(kind: KeyKind): ParsedKey {
  const pair =
    kind === 'ed25519'
      ? generateParseableKeyPair('ed25519')
      : kind === 'rsa'
        ? generateParseableKeyPair('rsa', { bits: 2048 })
        : generateParseableKeyPair('ecdsa', { bits: Number(kind.slice(5)) as 256 | 384 | 521 });
  const parsed = utils.parseKey(pair.private);
  if (parsed instanceof Error) throw parsed;
  return parsed as ParsedKey;
}

class RecordingPorts implements JumpPorts {
  readonly keys = new Map<string, Buffer>();
  /** Users who got past authentication (the jump asks for their target only then). */
  readonly authenticated: string[] = [];

  async authenticatePassword(): Promise<JumpUser | null> {
    return null;
  }
  async authenticatePublicKey(username: string, key: JumpPublicKey): Promise<JumpUser | null> {
    const registered = this.keys.get(username);
    return registered && registered.equals(key.data) ? { id: username, username } : null;
  }
  async resolveTarget(user: JumpUser): Promise<JumpTarget | null> {
    this.authenticated.push(user.username);
    return null; // refused after authentication: enough to tell a bypass from a refusal
  }
  async pinHostKey(): Promise<void> {}
  async sessionStarted(): Promise<{ sessionId: string }> {
    throw new Error('no session may start in this spec');
  }
  async sessionEnded(): Promise<void> {}
}

type Signer = (data: Buffer) => Buffer;

/**
 * Logs in as `username` presenting `victimKey`'s public half under the algorithm name `algo`,
 * signing with `sign`. Resolves once the server has answered the signed request.
 */
function attempt(port: number, username: string, victimKey: ParsedKey, algo: string, sign: Signer): Promise<void> {
  return new Promise((resolve) => {
    const client = new Client();
    let tried = false;
    // An object that is the victim's parsed key in every respect but its type name and signer.
    const presented = Object.create(victimKey) as ParsedKey & { type: string; sign: Signer };
    Object.defineProperty(presented, 'type', { value: algo });
    Object.defineProperty(presented, 'sign', { value: (data: Buffer) => sign(data) });
    const finish = (): void => {
      client.end();
      resolve();
    };
    client.on('ready', finish);
    client.on('error', finish);
    client.on('close', finish);
    const loginName = `${username}+some-target`;
    client.connect({
      host: '127.0.0.1',
      port,
      username: loginName,
      readyTimeout: 10_000,
      authHandler: (_methods: unknown, _partial: unknown, next: (auth: unknown) => void) => {
        if (tried) return next(false);
        tried = true;
        const proto = (client as unknown as { _protocol: { authPK: (...args: unknown[]) => void } })._protocol;
        const authPK = proto.authPK.bind(proto);
        // Skip the unsigned probe and name exactly `algo`: send the signed request straight away.
        proto.authPK = (user: unknown, key: unknown) =>
          authPK(user, key, algo, (blob: Buffer, done: (s: Buffer) => void) => done(sign(blob)));
        next({ type: 'publickey', username: loginName, key: presented });
      },
    } as never);
  });
}

/** Random bytes shaped so that the client library sends them unconverted. */
const garbage: Signer = () => {
  const bytes = randomBytes(64);
  bytes[0] = 0;
  return bytes;
};

describe('JumpServer public-key proof', () => {
  let jump: JumpServer;
  let port: number;
  const ports = new RecordingPorts();
  const victims = new Map<KeyKind, ParsedKey>();
  const attackers = new Map<KeyKind, ParsedKey>();

  beforeAll(async () => {
    for (const kind of KEY_KINDS) {
      victims.set(kind, generate(kind));
      attackers.set(kind, generate(kind));
      ports.keys.set(`victim-${kind}`, victims.get(kind)!.getPublicSSH());
    }
    jump = new JumpServer({ hostKeys: [generateParseableKeyPair('ed25519').private], ports });
    port = await jump.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await jump.close();
  });

  for (const kind of KEY_KINDS) {
    it(`refuses a garbage signature over a registered ${kind} key under every algorithm name`, async () => {
      const before = ports.authenticated.length;
      for (const algo of ALGORITHM_NAMES) await attempt(port, `victim-${kind}`, victims.get(kind)!, algo, garbage);
      expect(ports.authenticated.slice(before)).toEqual([]);
    });

    it(`refuses a ${kind} key signed by another key of every type`, async () => {
      const before = ports.authenticated.length;
      for (const signerKind of KEY_KINDS) {
        const signer = attackers.get(signerKind)!;
        // A valid signature, by the attacker's own key, named with the attacker's algorithm.
        const algo = signerKind === 'rsa' ? 'rsa-sha2-256' : signer.type;
        await attempt(port, `victim-${kind}`, victims.get(kind)!, algo, (data) => signer.sign(data, signerKind === 'rsa' ? 'sha256' : undefined) as Buffer);
      }
      expect(ports.authenticated.slice(before)).toEqual([]);
    });
  }

  it('refuses an RSA signature made with one hash but named as another, and legacy SHA-1', async () => {
    const rsa = victims.get('rsa')!;
    const before = ports.authenticated.length;
    await attempt(port, 'victim-rsa', rsa, 'rsa-sha2-512', (data) => rsa.sign(data, 'sha256') as Buffer);
    await attempt(port, 'victim-rsa', rsa, 'rsa-sha2-256', (data) => rsa.sign(data, 'sha512') as Buffer);
    // Genuine, but `ssh-rsa` means SHA-1, refused as OpenSSH does since 8.8.
    await attempt(port, 'victim-rsa', rsa, 'ssh-rsa', (data) => rsa.sign(data, 'sha1') as Buffer);
    expect(ports.authenticated.slice(before)).toEqual([]);
  });

  it('accepts the genuine signature of every key type (so the refusals above are not blanket ones)', async () => {
    const before = ports.authenticated.length;
    for (const kind of KEY_KINDS) {
      const key = victims.get(kind)!;
      if (kind === 'rsa') {
        await attempt(port, 'victim-rsa', key, 'rsa-sha2-256', (data) => key.sign(data, 'sha256') as Buffer);
        await attempt(port, 'victim-rsa', key, 'rsa-sha2-512', (data) => key.sign(data, 'sha512') as Buffer);
      } else {
        await attempt(port, `victim-${kind}`, key, key.type, (data) => key.sign(data) as Buffer);
      }
    }
    expect(ports.authenticated.slice(before)).toEqual([
      'victim-ed25519',
      'victim-rsa',
      'victim-rsa',
      'victim-ecdsa256',
      'victim-ecdsa384',
      'victim-ecdsa521',
    ]);
  });

  it("refuses another user's genuine key", async () => {
    const before = ports.authenticated.length;
    const key = victims.get('ed25519')!;
    await attempt(port, 'victim-ecdsa256', key, key.type, (data) => key.sign(data) as Buffer);
    expect(ports.authenticated.slice(before)).toEqual([]);
  });
});
