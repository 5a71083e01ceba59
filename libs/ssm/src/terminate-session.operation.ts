import { Injectable, NotFoundException } from '@nestjs/common';
import { AwsCall, AwsErrors, AwsJsonOperation } from '@vigil/aws-protocol';
import { SessionDirectory, SessionsService, mayTerminate } from '@vigil/sessions';
import { ownerArn } from './owner-arn';
import { auditedSessionId, sessionIdOf } from './session-id-input';
import { SsmErrors } from './ssm-errors';

/** What the user of a terminated session is told. */
export const SSM_TERMINATE_MESSAGE = 'terminated through the SSM API (TerminateSession)';

/**
 * TerminateSession: the HTTP terminate's path (SessionsService.end with reason `terminated`, which
 * the jump hears and closes the SSH connection on, in well under a second) under the same rule
 * (mayTerminate). A session that is not open, or that the caller may not see, does not exist.
 *
 * The end's transaction writes the one TerminateSession record (eventSource ssm.amazonaws.com,
 * the AWS request id, the access key): the edge writes none for a call that ended a session, and
 * records refusals itself.
 */
@Injectable()
export class TerminateSessionOperation implements AwsJsonOperation {
  constructor(
    private readonly directory: SessionDirectory,
    private readonly sessions: SessionsService,
  ) {}

  async handle(input: Record<string, unknown>, call: AwsCall): Promise<object> {
    const id = sessionIdOf(input);
    const notFound = () => SsmErrors.doesNotExist(`Session ${id} does not exist or is not active`);
    const session = await this.directory.findVisible(id, null);
    if (!session) throw notFound();
    const verdict = mayTerminate(call.user, session.owner);
    if (!verdict.ok && verdict.refusal === 'not-found') throw notFound();
    if (!verdict.ok) {
      throw AwsErrors.accessDenied(`User: ${ownerArn(call.user.username)} is not authorized to perform: ssm:TerminateSession on resource: ${id} (${verdict.error})`);
    }
    try {
      const { alreadyEnded } = await this.sessions.end(id, {
        reason: 'terminated',
        endedBy: call.user.username,
        message: SSM_TERMINATE_MESSAGE,
        audit: { actor: `user:${call.user.username}`, context: call.auditContext },
      });
      // ended meanwhile by someone else: nothing was terminated here, the edge records the call
      call.recorded = !alreadyEnded;
    } catch (error) {
      // ended and gone between the lookup and the end: nothing left to terminate
      if (error instanceof NotFoundException) throw notFound();
      throw error;
    }
    return { SessionId: id };
  }

  describe(input: Record<string, unknown>) {
    return auditedSessionId(input);
  }
}
