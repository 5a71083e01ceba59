import type { KeyPair, SshdHandle } from './sshd';
import type { TestGateway } from './test-gateway';

/** Registers `key` as the SSH key of the token's user, as they would in the console. */
export async function registerSshKey(gw: TestGateway, token: string, key: KeyPair): Promise<void> {
  await gw.http.post('/api/me/ssh-keys').auth(token, { type: 'bearer' }).send({ publicKey: key.publicLine }).expect(201);
}

export interface SshTargetOptions {
  name?: string;
  /** the Vigil user whose sessions on it are: also its only grantee unless `users` says otherwise */
  owner?: string;
  users?: string[];
}

/** An SSH target for root on `sshd`, which the jump logs into with `targetKey` (created by the admin). */
export async function createSshTarget(gw: TestGateway, sshd: SshdHandle, targetKey: KeyPair, { name = 'box', owner = 'alice', users = [owner] }: SshTargetOptions = {}): Promise<void> {
  await gw.http
    .post('/api/targets')
    .auth(gw.adminToken, { type: 'bearer' })
    .send({ name, host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner, grants: { users } })
    .expect(201);
}
