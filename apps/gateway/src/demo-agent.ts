import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AgentsService } from '@vigil/auth';
import { VigilConfig } from '@vigil/config';
import { SessionDirectory, SessionsService } from '@vigil/sessions';
import { nextDemoSessionKind } from './demo/demo-session-kinds';

const USERS = ['jdoe', 'asmith', 'mchen', 'rkumar', 'lgarcia', 'tnguyen'];
const OPEN_AT_ONCE = 6;
const CHURN_MS = 15_000;
const HEARTBEAT_MS = 20_000;

/**
 * `VIGIL_DEMO=1` (what `npm start` sets): a built-in agent that reports a handful of simulated
 * sessions owned by the admin (service provider `simulated (…)`: they have no live stream; the
 * demo's watchable session is DemoShell's), heartbeats them, and every few seconds ends one and
 * opens another, so a newcomer sees the sessions page and the access log move. Never on unless
 * asked for.
 */
@Injectable()
export class DemoAgent implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DemoAgent.name);
  private timers: NodeJS.Timeout[] = [];
  private agentId = '';
  private sequence = 0;

  constructor(
    private readonly config: VigilConfig,
    private readonly agents: AgentsService,
    private readonly sessions: SessionsService,
    private readonly directory: SessionDirectory,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo) return;
    this.agentId = await this.agents.ensureInternal('demo-agent', 'jump-server');
    const openTypes: string[] = (await this.mine()).map((session) => session.type);
    while (openTypes.length < OPEN_AT_ONCE) openTypes.push(await this.openOne(openTypes));
    this.timers.push(setInterval(() => void this.churn(), CHURN_MS), setInterval(() => void this.heartbeat(), HEARTBEAT_MS));
    this.timers.forEach((t) => t.unref());
    this.logger.log(`demo agent reporting ${OPEN_AT_ONCE} sessions owned by "${this.config.admin.username}" (VIGIL_DEMO=1)`);
  }

  onApplicationShutdown(): void {
    this.timers.forEach(clearInterval);
  }

  private async mine() {
    const { items } = await this.directory.list({ ownerScope: null }, 1000);
    return items.filter((s) => s.agentId === this.agentId);
  }

  /** Opens the next simulated session and returns its type. */
  private async openOne(openTypes: readonly string[]): Promise<string> {
    const n = this.sequence++;
    const kind = nextDemoSessionKind(openTypes);
    await this.sessions.open(this.agentId, {
      ...kind,
      // reported, not carried: nothing to watch live, and the sessions page and View say so
      serviceProvider: `simulated (${kind.serviceProvider})`,
      externalId: `demo-${Date.now()}-${n}`,
      user: USERS[n % USERS.length],
      device: `10.20.${n % 8}.${10 + (n % 200)}`,
      owner: this.config.admin.username,
      startDate: new Date(Date.now() - ((n * 7919) % 3600) * 1000).toISOString(),
    });
    return kind.type;
  }

  private async churn(): Promise<void> {
    try {
      const open = (await this.mine()).sort((a, b) => a.startDate.localeCompare(b.startDate));
      const [oldest] = open;
      if (oldest) await this.sessions.end(oldest.id, { reason: 'ended', agentId: this.agentId });
      await this.openOne(open.slice(1).map((session) => session.type));
    } catch (error) {
      this.logger.warn(`demo churn failed: ${(error as Error).message}`);
    }
  }

  private async heartbeat(): Promise<void> {
    for (const session of await this.mine()) await this.sessions.heartbeat(this.agentId, session.id).catch(() => undefined);
  }
}
