import { lookup } from 'node:dns/promises';
import { Injectable } from '@nestjs/common';

/** Whether a target's host name resolves: a port, so the rule service is tested without DNS. */
export abstract class HostResolver {
  abstract resolves(host: string): Promise<boolean>;
}

const LOOKUP_TIMEOUT_MS = 3_000;

/** The system resolver (what the delivery will use), bounded so a dead DNS server cannot hang a request. */
@Injectable()
export class DnsHostResolver extends HostResolver {
  async resolves(host: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), LOOKUP_TIMEOUT_MS);
    });
    try {
      return await Promise.race([lookup(host).then(() => true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
