import { ConfigValidationError, loadConfig } from './load-config';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig: the SSM importer’s environment source', () => {
  it('is off without VIGIL_SSM_IMPORT_REGION', () => {
    expect(loadConfig({}).ssmImport).toBeNull();
  });

  it('reads region, endpoint, name and poll interval; defaults to AWS’s endpoint every 60 s', () => {
    expect(loadConfig({ VIGIL_SSM_IMPORT_REGION: 'eu-west-1' }).ssmImport).toEqual({ name: 'environment', region: 'eu-west-1', endpoint: null, pollIntervalSeconds: 60 });
    expect(
      loadConfig({
        VIGIL_SSM_IMPORT_REGION: 'us-gov-west-1',
        VIGIL_SSM_IMPORT_ENDPOINT: 'https://vpce-1.ssm.us-gov-west-1.vpce.amazonaws.com',
        VIGIL_SSM_IMPORT_NAME: 'gov',
        VIGIL_SSM_IMPORT_POLL_SECONDS: '30',
      }).ssmImport,
    ).toEqual({ name: 'gov', region: 'us-gov-west-1', endpoint: 'https://vpce-1.ssm.us-gov-west-1.vpce.amazonaws.com', pollIntervalSeconds: 30 });
  });

  it.each([
    [{ VIGIL_SSM_IMPORT_REGION: 'Europe' }, 'VIGIL_SSM_IMPORT_REGION must be an AWS region name'],
    [{ VIGIL_SSM_IMPORT_REGION: 'eu-west-1; rm -rf /' }, 'VIGIL_SSM_IMPORT_REGION must be an AWS region name'],
    [{ VIGIL_SSM_IMPORT_REGION: 'eu-west-1', VIGIL_SSM_IMPORT_ENDPOINT: 'file:///etc/passwd' }, 'VIGIL_SSM_IMPORT_ENDPOINT must be an http:// or https:// URL'],
    [{ VIGIL_SSM_IMPORT_REGION: 'eu-west-1', VIGIL_SSM_IMPORT_ENDPOINT: 'ssm.example.com' }, 'VIGIL_SSM_IMPORT_ENDPOINT must be an absolute URL'],
    [{ VIGIL_SSM_IMPORT_REGION: 'eu-west-1', VIGIL_SSM_IMPORT_ENDPOINT: 'https://AKIA:secret@ssm.example.com' }, 'must not carry credentials'],
    [{ VIGIL_SSM_IMPORT_REGION: 'eu-west-1', VIGIL_SSM_IMPORT_ENDPOINT: 'https://ssm.example.com/?x=1' }, 'must not have a query'],
    [{ VIGIL_SSM_IMPORT_REGION: 'eu-west-1', VIGIL_SSM_IMPORT_NAME: 'has space' }, 'VIGIL_SSM_IMPORT_NAME must be 1-32'],
    [{ VIGIL_SSM_IMPORT_REGION: 'eu-west-1', VIGIL_SSM_IMPORT_POLL_SECONDS: '0' }, 'VIGIL_SSM_IMPORT_POLL_SECONDS must be an integer between 1 and 86400'],
    [{ VIGIL_SSM_IMPORT_ENDPOINT: 'https://ssm.example.com' }, 'need VIGIL_SSM_IMPORT_REGION'],
  ])('refuses %j', (env, message) => {
    expect(problemsOf(env as Record<string, string>)).toContain(message);
  });
});
