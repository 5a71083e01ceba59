import { randomUUID } from 'node:crypto';
import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { normalizeAddress } from '@vigil/auth';
import { BodyTooLargeError, type HttpReply, type HttpRequest, readRawBody, takeOverResponse } from '@vigil/common';
import { AwsErrors } from './aws-error';
import { AwsAnswer, AwsJsonEdge, errorAnswer } from './aws-json-edge';
import { headersFromRaw, splitUrl } from './received-request';

/** Large enough for any SSM or CloudTrail request (six 400-character filters are ~3 KB). */
export const AWS_BODY_LIMIT = 64 * 1024;

/** `POST /`: the AWS-shaped APIs (SSM-compatible today). Only translates HTTP to the edge and back. */
@ApiTags('aws')
@Controller()
export class AwsJsonController {
  constructor(private readonly edge: AwsJsonEdge) {}

  @Post('/')
  @HttpCode(200)
  @ApiOperation({
    summary: 'AWS JSON 1.1 APIs (SSM-compatible: DescribeSessions, TerminateSession, StartSession, ResumeSession)',
    description:
      'Signed with AWS Signature Version 4 using a Vigil access key (POST /api/access-keys); no bearer token. ' +
      'Point the AWS CLI, boto3 or the AWS SDK at the gateway with --endpoint-url. Errors are AWS-shaped: {"__type", "message"}.',
  })
  @ApiConsumes('application/x-amz-json-1.1')
  @ApiHeader({ name: 'X-Amz-Target', required: true, description: 'e.g. AmazonSSM.DescribeSessions' })
  async handle(@Req() req: HttpRequest, @Res() res: HttpReply): Promise<void> {
    let body: Buffer;
    try {
      body = await readRawBody(req.raw, AWS_BODY_LIMIT);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      if (error.abandoned) res.raw.setHeader('Connection', 'close');
      send(res, errorAnswer(randomUUID(), AwsErrors.tooLarge(error.limit)));
      return;
    }
    const { path, query } = splitUrl(req.originalUrl);
    const answer = await this.edge.handle(
      { method: req.method, path, query, headers: headersFromRaw(req.raw.rawHeaders), body },
      { sourceIp: normalizeAddress(req.ip ?? req.socket.remoteAddress), origin: `${req.protocol}://${req.headers.host ?? 'localhost'}`, userAgent: req.headers['user-agent'] },
    );
    send(res, answer);
  }
}

/** Written on the Node response itself: the body is the exact bytes the answer holds. */
function send(reply: HttpReply, answer: AwsAnswer): void {
  const res = takeOverResponse(reply);
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
}
