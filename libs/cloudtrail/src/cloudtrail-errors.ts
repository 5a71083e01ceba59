import { AwsError } from '@vigil/aws-protocol';

/**
 * CloudTrail's own LookupEvents errors (service-2.json of CloudTrail_20131101), as the CLI prints
 * them and the SDKs name their exception classes. Every one is a client error: 400.
 */
export const CloudTrailErrors = {
  invalidLookupAttributes: (message: string) => new AwsError('InvalidLookupAttributesException', 400, message),
  invalidTimeRange: (message: string) => new AwsError('InvalidTimeRangeException', 400, message),
  invalidMaxResults: (message: string) => new AwsError('InvalidMaxResultsException', 400, message),
  invalidNextToken: () => new AwsError('InvalidNextTokenException', 400, 'Invalid NextToken: it was not issued for this query and caller, or it was altered.'),
  invalidEventCategory: (value: string) =>
    new AwsError('InvalidEventCategoryException', 400, `Event category '${value.length > 64 ? `${value.slice(0, 64)}…` : value}' is not valid. Valid values: insight`),
} as const;
