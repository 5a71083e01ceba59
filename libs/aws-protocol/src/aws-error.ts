/**
 * An error as an AWS JSON service answers it: HTTP status, body `{__type, message}`, header
 * `x-amzn-ErrorType`. Operation handlers and the signature check throw these; the edge turns
 * them into the answer. The names are the ones real AWS JSON services (SSM, DynamoDB, Logs) send,
 * which the AWS CLI prints (`An error occurred (InvalidSignatureException) ...`) and the SDKs turn
 * into exception classes.
 */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** The protocol's own errors, shared by every AWS-shaped API (SSM, CloudTrail). */
export const AwsErrors = {
  missingAuthentication: () => new AwsError('MissingAuthenticationTokenException', 400, 'Missing Authentication Token'),
  incompleteSignature: (message: string) => new AwsError('IncompleteSignatureException', 400, message),
  invalidSignature: (message: string) => new AwsError('InvalidSignatureException', 400, message),
  signatureMismatch: () =>
    new AwsError(
      'InvalidSignatureException',
      400,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ),
  unrecognizedClient: () => new AwsError('UnrecognizedClientException', 400, 'The security token included in the request is invalid.'),
  unknownOperation: (target: string) => new AwsError('UnknownOperationException', 400, `Unknown operation ${JSON.stringify(target.slice(0, 128))}`),
  unsupportedMediaType: (contentType: string) =>
    new AwsError('UnsupportedMediaTypeException', 415, `Content-Type ${JSON.stringify(contentType.slice(0, 128))} is not supported: send application/x-amz-json-1.1`),
  serialization: (message: string) => new AwsError('SerializationException', 400, message),
  tooLarge: (limit: number) => new AwsError('RequestEntityTooLargeException', 413, `Request body is larger than the ${limit} byte limit`),
  validation: (message: string) => new AwsError('ValidationException', 400, message),
  accessDenied: (message: string) => new AwsError('AccessDeniedException', 400, message),
  internal: (requestId: string) => new AwsError('InternalServerError', 500, `An internal error occurred (request ${requestId})`),
} as const;
