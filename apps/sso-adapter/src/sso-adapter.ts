import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { AgentTransport, HttpTransport, SocketTransport, VigilAgent } from '@vigil/agent-sdk';
import { SsoAdapterConfig } from './adapter-config';
import { mapLogLine } from './log-line';
import { SsoReporter } from './sso-reporter';
import { RunningWebhookServer, startWebhookServer, webhookRoutes } from './webhook-server';
import { WebhookVerifier } from './webhook-signature';

export interface RunningSsoAdapter {
  /** the webhook server's URL; null with log lines only */
  url: string | null;
  agent: VigilAgent;
  /** resolves when stdin ends (log-line mode) */
  stdinDone: Promise<void>;
  close(): Promise<void>;
}

/**
 * The SSO adapter: IdP webhooks and/or portal log lines in, WebSSO/ESSO sessions out through the
 * agent SDK (its on-disk queue keeps what the gateway cannot take yet, and the externalId →
 * session map a logout needs, across restarts; its automatic heartbeats keep the sessions alive).
 */
export async function startSsoAdapter(
  config: SsoAdapterConfig,
  io: { log: (line: string) => void; stdin?: Readable; transport?: AgentTransport },
): Promise<RunningSsoAdapter> {
  const transport =
    io.transport ??
    (config.transport === 'socket'
      ? new SocketTransport({ url: config.vigilUrl, token: config.agentToken, userAgent: 'vigil-sso-adapter/1' })
      : new HttpTransport({ url: config.vigilUrl, token: config.agentToken, userAgent: 'vigil-sso-adapter/1' }));
  const agent = new VigilAgent({
    queueDir: config.queueDir,
    transport,
    onEvent: (event) => {
      if (event.type === 'dropped') io.log(`dropped ${event.op} ${event.externalId}: ${event.reason}`);
      else if (event.type === 'heartbeat-failed') io.log(`heartbeat failed: ${event.error}`);
    },
  });
  agent.start();
  const sessions = {
    open: agent.open.bind(agent),
    end: agent.end.bind(agent),
    openExternalIds: () => [...agent.queue.state().sessions.keys()],
  };
  const reporterFor = (source: string) => new SsoReporter(sessions, { client: config.client, owner: config.owner, source });

  let server: RunningWebhookServer | null = null;
  if (config.webhookSecret !== null) {
    server = await startWebhookServer(webhookRoutes(reporterFor), new WebhookVerifier(config.webhookSecret), config, io.log);
  }
  const stdinDone = config.stdin && io.stdin ? readLogLines(io.stdin, reporterFor('log'), io.log) : Promise.resolve();
  return {
    url: server?.url ?? null,
    agent,
    stdinDone,
    close: async () => {
      await server?.close();
      await agent.close();
    },
  };
}

/** One line at a time, in order: a logout never overtakes its login. */
async function readLogLines(input: Readable, reporter: SsoReporter, log: (line: string) => void): Promise<void> {
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    const mapped = mapLogLine(line);
    if (!mapped.ok) {
      log(`skipped a log line: ${mapped.error}`);
      continue;
    }
    await reporter.report(mapped.events).catch((error: Error) => log(`could not report a log line: ${error.message}`));
  }
}
