import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { NUL_REFUSED } from '@vigil/common';

/** Refuses a request whose path or query string carries a NUL, raw or percent-encoded. */
export function refuseNulInUrl(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const url = req.originalUrl ?? req.url;
    if (url.includes('\u0000') || /%00/i.test(url)) return next(new BadRequestException(`url: ${NUL_REFUSED}`));
    next();
  };
}
