import { Client, ClientChannel } from 'ssh2';
import { Random, roundKeystrokes, seededRandom } from './scripted-user-plan';
import { WatcherNotices } from './watcher-notices';

export interface DemoSshUserOptions {
  /** where Vigil's own jump listens now; null while it does not yet */
  jump: () => { host: string; port: number } | null;
  /** `demo+demo-shell`: the jump's login name, user + target */
  login: string;
  password: string;
  logger: { log(message: string): void; warn(message: string): void };
  random?: Random;
  /** how long after a session ended (terminated, say) the next one starts */
  reconnectMs?: number;
}

const PAUSED_POLL_MS = 500;
/**
 * After a refused login: long enough that the demo can never lock the loopback address out of
 * the login throttle it shares with everyone signing in from this machine.
 */
const REFUSED_BACKOFF_MS = 120_000;

/**
 * The demo's scripted "user": an ssh2 client that logs in through Vigil's own jump, exactly as
 * a person with `ssh -p 2222 demo+demo-shell@vigil` would (so the session is a real PAM_SSH
 * session: registered, recorded, watchable, terminable), and works in the demo shell in rounds.
 * While a viewer watches in interact mode it stops typing; when its session ends it logs in
 * again after `reconnectMs`, until stopped.
 */
export class DemoSshUser {
  private stopped = false;
  private client: Client | null = null;
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly random: Random;
  private rounds = 0;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: DemoSshUserOptions) {
    this.random = options.random ?? seededRandom(Date.now());
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
    this.client?.end();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let pause = this.options.reconnectMs ?? 4000;
      try {
        await this.oneSession();
      } catch (error) {
        const refused = (error as { level?: string }).level === 'client-authentication';
        if (refused) pause = REFUSED_BACKOFF_MS;
        this.options.logger.warn(`demo user session failed: ${(error as Error).message}${refused ? ' (retrying in 2 min)' : ''}`);
      }
      await this.wait(pause);
    }
  }

  /** One login through the jump; resolves when that session is over. */
  private oneSession(): Promise<void> {
    const jump = this.options.jump();
    if (!jump || this.stopped) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const client = new Client();
      this.client = client;
      const notices = new WatcherNotices();
      let ended = false;
      const done = (error?: Error) => {
        if (ended) return;
        ended = true;
        this.client = null;
        client.end();
        if (error) reject(error);
        else resolve();
      };
      client.on('error', (error) => done(error));
      client.on('close', () => done());
      client.on('ready', () => {
        client.shell({ term: 'xterm-256color', cols: 100, rows: 30 }, (error, stream) => {
          if (error) return done(error);
          this.options.logger.log('demo user logged in through the jump');
          stream.on('data', (chunk: Buffer) => notices.feed(chunk.toString('utf8')));
          stream.stderr.on('data', () => undefined);
          stream.on('close', () => done());
          void this.work(stream, notices, () => ended || this.stopped);
        });
      });
      client.connect({
        host: jump.host,
        port: jump.port,
        username: this.options.login,
        password: this.options.password,
        tryKeyboard: false,
        readyTimeout: 30_000,
        keepaliveInterval: 15_000,
        // The gateway's own jump, on the address this process itself listens on: nobody else can hold that port.
        hostVerifier: () => true,
      });
    });
  }

  /** Types the rounds of the plan until the session is over; steps back while a viewer may type. */
  private async work(stream: ClientChannel, notices: WatcherNotices, over: () => boolean): Promise<void> {
    while (!over()) {
      const round = roundKeystrokes(this.rounds++, this.random);
      for (const stroke of round) {
        await this.wait(stroke.delayMs);
        if (over()) return;
        if (notices.interactiveViewer) {
          while (notices.interactiveViewer && !over()) await this.wait(PAUSED_POLL_MS);
          if (over()) return;
          // back at the keyboard: leave whatever the viewer left running, start a fresh round
          stream.write('\x03');
          break;
        }
        stream.write(stroke.data);
      }
    }
  }

  private wait(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.set(timer, resolve);
    });
  }
}
