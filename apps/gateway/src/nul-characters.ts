import { BadRequestException } from '@nestjs/common';
import type { onRequestHookHandler } from 'fastify';
import { NUL_REFUSED } from '@vigil/common';

/** Refuses a request whose path or query string carries a NUL, raw or percent-encoded. */
export function refuseNulInUrl(): onRequestHookHandler {
  return (request, _reply, done) => {
    const url = request.raw.url ?? '';
    if (url.includes('\u0000') || /%00/i.test(url)) return done(new BadRequestException(`url: ${NUL_REFUSED}`));
    done();
  };
}
