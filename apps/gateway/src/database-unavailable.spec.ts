import { Logger } from '@nestjs/common';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { DATABASE_UNAVAILABLE_MESSAGE, DatabaseUnavailableAnswers, RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  // What pg, pg-pool, TypeORM and better-sqlite3 actually throw when the database goes away.
  it.each([
    ['pool cannot connect (server stopped)', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['server shut down under a query (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['server starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['server crashed (57P02)', withCode('terminating connection because of crash of another server process', '57P02')],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    ['connection failure (08006)', withCode('connection failure', '08006')],
    ['socket closed mid-query', new Error('Connection terminated unexpectedly')],
    ['connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pool checkout timeout', new Error('timeout exceeded when trying to connect')],
    ['a client that already failed', new Error('Client has encountered a connection error and is not queryable')],
    ['connection reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['SQLite write lock held by another process', withCode('database is locked', 'SQLITE_BUSY')],
    ['SQLite stale snapshot', withCode('database is locked', 'SQLITE_BUSY_SNAPSHOT')],
  ])('%s → unavailable', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    // TypeORM wraps query errors; the driver's error is inside
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], error))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: error }))).toBe(true);
  });

  it("TypeORM's error for a transaction whose connection broke under it", () => {
    expect(isDatabaseUnavailable(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isDatabaseUnavailable(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
  });

  it('sees through AggregateError (a host with several addresses refused on each)', () => {
    const refused = withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED');
    expect(isDatabaseUnavailable(new AggregateError([refused, refused]))).toBe(true);
  });

  // Bugs and bad requests must stay 500s / 4xx: a 503 would make agents retry them forever.
  it.each([
    ['unique violation (23505)', withCode('duplicate key value violates unique constraint', '23505')],
    ['syntax error (42601)', withCode('syntax error at or near "SELEC"', '42601')],
    ['undefined table (42P01)', withCode('relation "nope" does not exist', '42P01')],
    ['SQLite constraint', withCode('UNIQUE constraint failed: users.username', 'SQLITE_CONSTRAINT_UNIQUE')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a message that merely mentions a connection', new Error('user said: Connection terminated unexpectedly')],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
    ['a code that is not a string', { code: 57 }],
  ])('%s → not unavailable', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], (error ?? new Error('x')) as Error))).toBe(false);
  });

  it('stops on a cycle of causes', () => {
    const a: { message: string; cause?: unknown } = { message: 'a' };
    const b = { message: 'b', cause: a };
    a.cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});

describe('DatabaseUnavailableAnswers', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('answers 503 with Retry-After and the same clear message, never the driver error', () => {
    const answers = new DatabaseUnavailableAnswers(() => 0);
    const answer = answers.answer(withCode('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'));
    expect(answer).toEqual({ status: 503, retryAfterSeconds: RETRY_AFTER_SECONDS, body: { statusCode: 503, message: DATABASE_UNAVAILABLE_MESSAGE } });
    expect(JSON.stringify(answer)).not.toContain('10.0.0.5');
    expect(answers.answer(new Error('a bug'))).toBeNull();
  });

  it('logs an outage once per 10 s with the count of refused requests, not once per request', () => {
    let now = 1_000;
    const answers = new DatabaseUnavailableAnswers(() => now);
    const refused = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
    for (let i = 0; i < 500; i++, now += 10) answers.answer(refused); // 5 s of refusals
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe('database unavailable (ECONNREFUSED connect ECONNREFUSED 127.0.0.1:5432): 1 request(s) answered 503 since the last report');
    for (let i = 0; i < 600; i++, now += 10) answers.answer(refused); // 6 s more
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1][0]).toMatch(/: 1000 request\(s\) answered 503 since the last report$/);
  });
});
