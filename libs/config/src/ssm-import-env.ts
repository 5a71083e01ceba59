import type { SsmImportEnvConfig } from './vigil-config';

/** An AWS region name: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z0-9]+){1,3}$/;

/** An SSM import source's name: it appears in `aws-ssm:<name>` and in its internal agent's name. */
export const SSM_SOURCE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,31}$/;

/**
 * Why `value` cannot be an SSM endpoint, or null when it can: an absolute http(s) URL without
 * credentials (they would be shown back in lists and logs), query or fragment.
 */
export function ssmEndpointProblem(value: string): string | null {
  if (value.length > 2048) return 'must be at most 2048 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL, e.g. https://ssm.eu-west-1.amazonaws.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL';
  if (url.username || url.password) return 'must not carry credentials (give accessKeyId and secretAccessKey instead)';
  if (url.search || url.hash) return 'must not have a query or a fragment';
  return null;
}

type Integer = (name: string, fallback: number, min: number, max: number) => number;

/**
 * VIGIL_SSM_IMPORT_REGION (which turns it on), VIGIL_SSM_IMPORT_ENDPOINT, VIGIL_SSM_IMPORT_NAME
 * and VIGIL_SSM_IMPORT_POLL_SECONDS: one source, whose credentials the AWS SDK takes from its
 * standard provider chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE, web identity, instance roles), so no
 * AWS secret passes through Vigil's configuration.
 */
export function parseSsmImportEnv(env: Record<string, string | undefined>, integer: Integer): { value: SsmImportEnvConfig | null; problems: string[] } {
  const problems: string[] = [];
  const region = env.VIGIL_SSM_IMPORT_REGION?.trim() ?? '';
  const endpoint = env.VIGIL_SSM_IMPORT_ENDPOINT?.trim() ?? '';
  const name = env.VIGIL_SSM_IMPORT_NAME?.trim() || 'environment';
  const pollIntervalSeconds = integer('VIGIL_SSM_IMPORT_POLL_SECONDS', 60, 1, 86_400);
  if (region === '') {
    if (endpoint !== '' || env.VIGIL_SSM_IMPORT_NAME) problems.push('VIGIL_SSM_IMPORT_ENDPOINT and VIGIL_SSM_IMPORT_NAME need VIGIL_SSM_IMPORT_REGION');
    return { value: null, problems };
  }
  if (!AWS_REGION_PATTERN.test(region)) problems.push(`VIGIL_SSM_IMPORT_REGION must be an AWS region name such as eu-west-1 (got "${region}")`);
  const endpointProblem = endpoint === '' ? null : ssmEndpointProblem(endpoint);
  if (endpointProblem) problems.push(`VIGIL_SSM_IMPORT_ENDPOINT ${endpointProblem}`);
  if (!SSM_SOURCE_NAME_PATTERN.test(name)) problems.push('VIGIL_SSM_IMPORT_NAME must be 1-32 letters, digits, ".", "_" or "-", starting with a letter or digit');
  return { value: { name, region, endpoint: endpoint || null, pollIntervalSeconds }, problems };
}
