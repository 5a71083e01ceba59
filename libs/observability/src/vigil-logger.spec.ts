import { VigilLogger, logLevelsFrom } from './vigil-logger';

function printed(level: 'log' | 'debug' | 'warn', write: (logger: VigilLogger) => void): string {
  const out: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  try {
    write(new VigilLogger(level));
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out.join('');
}

describe('VigilLogger', () => {
  it('default level: no framework wiring lines, but Vigil lines and warnings', () => {
    const text = printed('log', (l) => {
      l.log('Mapped {/api/sessions, GET} route', 'RouterExplorer');
      l.log('SessionsController {/api/sessions}:', 'RoutesResolver');
      l.log('AppModule dependencies initialized', 'InstanceLoader');
      l.log('Starting Nest application...', 'NestFactory');
      l.log('Nest application successfully started', 'NestApplication');
      l.log('LiveGateway subscribed to the "attach" message', 'WebSocketsController');
      l.log('jump server listening', 'JumpService');
      l.warn('database is slow', 'Database');
    });
    expect(text).not.toContain('Mapped {');
    expect(text).not.toContain('dependencies initialized');
    expect(text).not.toContain('subscribed to');
    expect(text).not.toContain('Starting Nest application');
    expect(text).toContain('jump server listening');
    expect(text).toContain('database is slow');
  });

  it('LOG_LEVEL=debug: the framework lines are there', () => {
    const text = printed('debug', (l) => {
      l.log('Mapped {/api/sessions, GET} route', 'RouterExplorer');
      l.log('AppModule dependencies initialized', 'InstanceLoader');
    });
    expect(text).toContain('Mapped {/api/sessions, GET} route');
    expect(text).toContain('AppModule dependencies initialized');
  });

  it('LOG_LEVEL=warn: only warnings and errors', () => {
    const text = printed('warn', (l) => {
      l.log('jump server listening', 'JumpService');
      l.warn('database is slow', 'Database');
    });
    expect(text).not.toContain('jump server listening');
    expect(text).toContain('database is slow');
  });

  it('levels: a level and everything more severe', () => {
    expect(logLevelsFrom('log')).toEqual(['error', 'warn', 'log']);
    expect(logLevelsFrom('error')).toEqual(['error']);
  });
});
