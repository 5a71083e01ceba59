import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Actor, UsersService } from '@vigil/auth';
import { Clock } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { SessionDirectory } from '@vigil/sessions';
import { JumpService } from '@vigil/ssh-jump';
import { TargetsService } from '@vigil/targets';
import { DemoSshServer } from './demo-ssh-server';
import { DemoSshUser } from './demo-ssh-user';

export const DEMO_TARGET = 'demo-shell';
export const DEMO_USER = 'demo';
const DEMO_ACCOUNT = 'demo';
/** what the demo does to its own user and target is audited under the demo user's name */
const DEMO_ACTOR: Actor = { username: DEMO_USER };
const ADMIN_POLL_MS = 200;
/** how long a stop waits for the scripted user's session to be ended in the registry */
const SHUTDOWN_WAIT_MS = 5000;
const LOOPBACK_OF: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1' };

/**
 * `VIGIL_DEMO=1` (what `npm start` sets): something live to watch on the first start. A built-in
 * demo target (`demo-shell`: DemoSshServer, a scripted fake shell on loopback, its host key pinned
 * like any target's) and a scripted user (`demo`, DemoSshUser) who logs in to it through this
 * gateway's own jump and works there. Their passwords are made at each boot and never shown or
 * stored. Never on unless asked for; a clean shutdown removes the target again.
 */
@Injectable()
export class DemoShell implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DemoShell.name);
  private server: DemoSshServer | null = null;
  private user: DemoSshUser | null = null;
  private starting: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly config: VigilConfig,
    private readonly targets: TargetsService,
    private readonly users: UsersService,
    private readonly jump: JumpService,
    private readonly clock: Clock,
    private readonly directory: SessionDirectory,
  ) {}

  /** the demo target's loopback port; 0 while the demo is off */
  get targetPort(): number {
    return this.server?.port ?? 0;
  }

  onApplicationBootstrap(): void {
    if (!this.config.demo) return;
    this.starting = this.startAfterAdmin();
  }

  /**
   * Runs before the jump's own shutdown (Nest closes the root module first): the scripted user
   * logs out and its session is ended in the registry while the database is still open, so a
   * clean stop leaves no session for the next boot's crash recovery, nor a target behind.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.starting;
    if (!this.server) return;
    const open = await this.openDemoSessions();
    await this.stop();
    const deadline = this.clock.now() + SHUTDOWN_WAIT_MS;
    while ((await this.openDemoSessions()).some((id) => open.includes(id)) && this.clock.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, ADMIN_POLL_MS));
    }
    await this.targets.remove(DEMO_TARGET, DEMO_ACTOR).catch((error: Error) => this.logger.warn(`demo target not removed: ${error.message}`));
  }

  /** The registry's open sessions of the scripted user on the demo target. */
  private async openDemoSessions(): Promise<string[]> {
    const { items } = await this.directory.list({ ownerScope: null, type: 'PAM_SSH', user: DEMO_USER, target: DEMO_TARGET }, 1000);
    return items.filter((s) => s.serviceProvider === DEMO_TARGET && s.user === DEMO_USER).map((s) => s.id);
  }

  /**
   * The gateway creates its first administrator only when no user exists yet, right after it
   * listens: the demo's user must not be that first user, so on an empty database it waits.
   */
  private async startAfterAdmin(): Promise<void> {
    try {
      while (!this.stopping && (await this.users.list()).length === 0) await new Promise((resolve) => setTimeout(resolve, ADMIN_POLL_MS).unref());
      if (!this.stopping) await this.setUp();
    } catch (error) {
      // The demo is a convenience: the gateway runs on without it, and says why.
      this.logger.error(`demo shell not started: ${(error as Error).message}`);
      await this.stop();
    }
  }

  private async setUp(): Promise<void> {
    const targetPassword = randomBytes(24).toString('base64url');
    const userPassword = randomBytes(24).toString('base64url');
    this.server = await DemoSshServer.start({
      username: DEMO_ACCOUNT,
      password: targetPassword,
      host: DEMO_TARGET,
      now: () => this.clock.now(),
      logger: this.logger,
    });
    await this.ensureUser(userPassword);
    await this.ensureTarget(this.server, targetPassword);
    const host = LOOPBACK_OF[this.config.host] ?? this.config.host;
    this.user = new DemoSshUser({
      jump: () => (this.jump.port > 0 ? { host, port: this.jump.port } : null),
      login: `${DEMO_USER}+${DEMO_TARGET}`,
      password: userPassword,
      logger: this.logger,
    });
    this.user.start();
    this.logger.log(`demo shell: user "${DEMO_USER}" works on target "${DEMO_TARGET}" through the jump; watch it from the sessions page (VIGIL_DEMO=1)`);
  }

  private async stop(): Promise<void> {
    await this.user?.stop();
    this.user = null;
    await this.server?.close();
    this.server = null;
  }

  /** The demo's own account: made once, a fresh password each boot. Never someone else's `demo`. */
  private async ensureUser(password: string): Promise<void> {
    const existing = await this.users.findByUsername(DEMO_USER);
    if (!existing) {
      await this.users.create({ username: DEMO_USER, password, roles: ['owner'], privileges: [] });
      return;
    }
    if (existing.username !== DEMO_USER || existing.roles !== 'owner' || existing.privileges !== '' || existing.disabledAt !== null) {
      throw new Error(`a user "${existing.username}" exists that is not the demo's own (roles owner, no privileges, enabled); the demo leaves it alone`);
    }
    await this.users.update(DEMO_USER, { password }, DEMO_ACTOR);
  }

  /** The demo target on this boot's port, pinned to this boot's host key, reachable by the demo user and admins. */
  private async ensureTarget(server: DemoSshServer, password: string): Promise<void> {
    const grants = { users: [DEMO_USER], roles: ['admin'] as const };
    const settings = {
      host: '127.0.0.1',
      port: server.port,
      password,
      hostKeySha256: server.hostKeySha256,
      owner: this.config.admin.username,
      // an interactive terminal only: the fake shell refuses the rest anyway
      policy: { exec: false, sftp: false, agentForwarding: false, portForwarding: false, x11: false, announceWatching: true },
    };
    const existing = await this.targets.findWithCredentials(DEMO_TARGET);
    if (!existing) {
      await this.targets.create({ name: DEMO_TARGET, accountName: DEMO_ACCOUNT, protocol: 'ssh', ...settings, grants: { users: grants.users, roles: [...grants.roles] } }, DEMO_ACTOR);
      return;
    }
    // left by a demo that did not shut down cleanly; anything else of that name is not ours to change
    if (existing.host !== '127.0.0.1' || existing.accountName !== DEMO_ACCOUNT || existing.protocol !== 'ssh') {
      throw new Error(`a target "${DEMO_TARGET}" exists that is not the demo's own; the demo leaves it alone`);
    }
    await this.targets.update(DEMO_TARGET, settings, DEMO_ACTOR);
    await this.targets.setGrants(DEMO_TARGET, { users: grants.users, roles: [...grants.roles] }, DEMO_ACTOR);
  }
}
