import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest's own start-up chatter: one line per module, controller, route and socket.io message
 * (~90 at boot). Useful when debugging wiring, noise in front of what an operator needs (the
 * URL, the jump port, the admin password), so it is logged at debug level, not at `log`.
 */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'WebSocketsController']);

const ORDER: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** LOG_LEVEL → the levels Nest prints: that level and everything more severe. */
export function logLevelsFrom(level: 'error' | 'warn' | 'log' | 'debug' | 'verbose'): LogLevel[] {
  return ORDER.slice(0, ORDER.indexOf(level) + 1);
}

/**
 * The gateway's (and the standalone jump's) logger: Nest's console logger, with the framework's
 * wiring lines demoted to debug. Everything else, warnings above all, is as Nest prints it.
 */
export class VigilLogger extends ConsoleLogger {
  constructor(level: 'error' | 'warn' | 'log' | 'debug' | 'verbose') {
    super({ logLevels: logLevelsFrom(level) });
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    const last = optionalParams[optionalParams.length - 1];
    const context = typeof last === 'string' ? last : this.context;
    if (context !== undefined && FRAMEWORK_CONTEXTS.has(context)) {
      this.debug(message, ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }
}
