import { AwsError } from '@vigil/aws-protocol';

/** SSM's own error shapes (service-2.json of AmazonSSM), as the CLI and SDKs name them. */
export const SsmErrors = {
  invalidFilterKey: (key: string, valid: readonly string[]) =>
    new AwsError('InvalidFilterKey', 400, `The specified key isn't valid: '${key.slice(0, 64)}'. Valid keys: ${valid.join(', ')}`),
  invalidNextToken: () => new AwsError('InvalidNextToken', 400, "The specified token isn't valid."),
  doesNotExist: (message: string) => new AwsError('DoesNotExistException', 400, message),
  targetNotConnected: (message: string) => new AwsError('TargetNotConnected', 400, message),
} as const;
