import { Logger } from '@nestjs/common';

/** What a client is told while the database cannot answer: not its fault, and worth retrying. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'database unavailable, retry later';
/** Seconds a client should wait before retrying (`Retry-After`); PostgreSQL restarts take a few. */
export const RETRY_AFTER_SECONDS = 5;
/** At most one log line per this interval while the database stays away (a flood of 503s is one fact). */
const LOG_EVERY_MS = 10_000;

// PostgreSQL SQLSTATEs: 08 connection exceptions; 57P01 admin shutdown, 57P02 crash shutdown,
// 57P03 cannot connect now (starting up, shutting down); 53300 too many connections.
const POSTGRES_CODES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300']);
// The pg driver's socket errors (it throws them raw when the pool cannot connect).
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLite: another process holds the write lock beyond busy_timeout.
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);
// The pg driver's own errors carry no code, only these messages.
const POSTGRES_MESSAGES = [
  /^Connection terminated/, // "Connection terminated unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * True when the error says the database cannot answer right now (stopped, restarting, unreachable,
 * out of connections, locked by another process) rather than that the request or the code is
 * wrong. Looks through TypeORM's wrapper (`driverError`), `cause` and AggregateError's `errors`.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as ErrorLike;
  if (typeof e.code === 'string' && (POSTGRES_CODES.has(e.code) || NETWORK_CODES.has(e.code) || SQLITE_CODES.has(e.code))) return true;
  // TypeORM's own error for a transaction whose connection broke under it (it releases the query
  // runner on the connection's 'error' event; the transaction's next statement then throws this).
  const name = (error as Error).name;
  if (name === 'QueryRunnerAlreadyReleasedError' || name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  if (typeof e.message === 'string' && POSTGRES_MESSAGES.some((pattern) => pattern.test(e.message as string))) return true;
  const inner = [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((next) => next !== error && isDatabaseUnavailable(next, depth + 1));
}

/**
 * Turns "the database is away" into a 503 answer, and keeps the log to one line per interval
 * while it lasts (with how many requests were refused), so an outage does not drown the log.
 */
export class DatabaseUnavailableAnswers {
  private readonly logger = new Logger('DatabaseUnavailable');
  private lastLogAt = -Infinity;
  private refusedSinceLog = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The answer for `error`, or null when it is not about the database being unavailable. */
  answer(error: unknown): { status: 503; retryAfterSeconds: number; body: { statusCode: 503; message: string } } | null {
    if (!isDatabaseUnavailable(error)) return null;
    this.refusedSinceLog++;
    const now = this.now();
    if (now - this.lastLogAt >= LOG_EVERY_MS) {
      this.logger.warn(`database unavailable (${describe(error)}): ${this.refusedSinceLog} request(s) answered 503 since the last report`);
      this.lastLogAt = now;
      this.refusedSinceLog = 0;
    }
    return { status: 503, retryAfterSeconds: RETRY_AFTER_SECONDS, body: { statusCode: 503, message: DATABASE_UNAVAILABLE_MESSAGE } };
  }
}

/** The error's code and first message line: enough to tell a stopped server from a locked file, no SQL. */
function describe(error: unknown): string {
  const e = error as ErrorLike;
  const code = typeof e.code === 'string' ? `${e.code} ` : '';
  const message = typeof e.message === 'string' ? e.message.split('\n')[0].slice(0, 200) : String(error);
  return `${code}${message}`;
}
