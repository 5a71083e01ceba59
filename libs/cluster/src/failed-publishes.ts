import type { Logger } from '@nestjs/common';

/** At most one log line per this interval while publishes keep failing. */
const LOG_EVERY_MS = 10_000;

interface Publisher {
  publish(...args: never[]): Promise<unknown>;
}

/**
 * socket.io's Redis adapter publishes without awaiting the result. While Redis is away, each
 * publish fails (at once, the client's offline queue being off) and its rejection would be
 * unhandled — which ends a Node process. This catches them: a broadcast made during an outage is
 * lost (the Redis pub/sub contract: at most once, no replay), counted, and logged once per
 * interval; the process lives on and publishes again when the client reconnects.
 */
export function catchFailedPublishes(client: Publisher, logger: Pick<Logger, 'warn'>, now: () => number = Date.now): void {
  const publish = client.publish.bind(client) as (...args: unknown[]) => Promise<unknown>;
  let lostSinceLog = 0;
  let lastLogAt = -Infinity;
  (client as { publish: (...args: unknown[]) => Promise<unknown> }).publish = (...args: unknown[]) =>
    publish(...args).catch((error: Error) => {
      lostSinceLog++;
      if (now() - lastLogAt >= LOG_EVERY_MS) {
        logger.warn(`redis: ${lostSinceLog} broadcast(s) to other cluster members lost since the last report (${error.message || error.name})`);
        lostSinceLog = 0;
        lastLogAt = now();
      }
      return 0; // PUBLISH's reply: no subscriber received it
    });
}
