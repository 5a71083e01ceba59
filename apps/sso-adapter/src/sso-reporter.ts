import { createHash } from 'node:crypto';
import type { EndBody, EndResult, OpenRequest, OpenResult } from '@vigil/agent-sdk';
import { SsoEvent } from './sso-event';

/** What the reporter needs of the SDK's VigilAgent (the queue keeps externalId → session across restarts). */
export interface SessionReporter {
  open(request: OpenRequest): Promise<OpenResult>;
  end(externalId: string, body?: EndBody): Promise<EndResult>;
  /** externalIds of the sessions the agent knows open */
  openExternalIds(): string[];
}

export interface SsoReporterOptions {
  /** `client` of every session: the IdP or portal, e.g. `keycloak.corp.example` */
  client: string;
  /** the Vigil username who may see these sessions; `@user` = the SSO user's own name */
  owner: string;
  /** prefix of externalIds, one per source (`keycloak`, `portal`...): 1-12 letters, digits or `-` */
  source: string;
}

const VIGIL_USERNAME = /^[a-zA-Z0-9._-]{1,64}$/;

export interface Reported {
  opened: number;
  ended: number;
  ignored: number;
}

/**
 * SSO events → Vigil sessions, one per (SSO session, service provider): externalId
 * `<source>:<sso session>:<service provider>`, so a repeated login (a retried webhook, an SSO
 * cookie's silent login) is the same session, and a logout ends every service provider's
 * session of that SSO session (or just the one it names).
 */
export class SsoReporter {
  constructor(
    private readonly agent: SessionReporter,
    private readonly options: SsoReporterOptions,
  ) {
    if (!/^[a-zA-Z0-9-]{1,12}$/.test(options.source)) throw new TypeError('source must be 1-12 letters, digits or "-"');
  }

  async report(events: SsoEvent[]): Promise<Reported> {
    const result: Reported = { opened: 0, ended: 0, ignored: 0 };
    for (const event of events) {
      if (event.kind === 'login') {
        await this.agent.open(this.openRequest(event));
        result.opened++;
        continue;
      }
      const prefix = `${this.options.source}:${part(event.ssoSession, 64)}:`;
      const ids = event.serviceProvider
        ? [prefix + part(event.serviceProvider, 48)].filter((id) => this.agent.openExternalIds().includes(id))
        : this.agent.openExternalIds().filter((id) => id.startsWith(prefix));
      if (ids.length === 0) result.ignored++;
      for (const externalId of ids) {
        await this.agent.end(externalId, { reason: 'ended', ...(event.at !== undefined ? { endDate: new Date(event.at).toISOString() } : {}) });
        result.ended++;
      }
    }
    return result;
  }

  private openRequest(event: Extract<SsoEvent, { kind: 'login' }>): OpenRequest {
    const owner = this.options.owner === '@user' ? event.user : this.options.owner;
    return {
      externalId: `${this.options.source}:${part(event.ssoSession, 64)}:${part(event.serviceProvider, 48)}`,
      type: event.type,
      user: event.user,
      device: event.device,
      client: this.options.client,
      serviceProvider: event.serviceProvider,
      accountName: event.accountName ?? event.user,
      // an SSO name that is no Vigil username (an email, say) cannot own: the configured owner's fallback is `admin`'s view
      owner: VIGIL_USERNAME.test(owner) ? owner : 'admin',
      ...(event.at !== undefined && event.at <= Date.now() ? { startDate: new Date(event.at).toISOString() } : {}),
    };
  }
}

/**
 * One part of an externalId (≤ 128 characters in all): `:` escaped so that no session's prefix is
 * another's, and a part too long for the budget replaced by its hash (the session keeps the full
 * names in its own fields).
 */
function part(value: string, max: number): string {
  const escaped = value.replace(/%/g, '%25').replace(/:/g, '%3A');
  return escaped.length <= max ? escaped : `#${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
}
