import { Injectable, Logger } from '@nestjs/common';
import { Clock, VIGIL_ACCOUNT, VIGIL_REGION } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { CredentialCipher } from '@vigil/targets';
import type { EventEnvelope } from './envelope';
import { EventRule, StoredTarget, secretBinding } from './event-rule';
import { DeliveryError, HttpPoster } from './http-poster';
import { Mailer } from './mailer';
import { emailMessage, slackMessage } from './notification-text';
import { CompiledTransformer, compileInputTransformer } from './pattern';
import { PublicBaseUrl } from './public-base-url';
import { signWebhook } from './webhook-signature';

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

const USER_AGENT = 'Vigil-Events/1';

/**
 * Sends one envelope to one target: renders it (the target's input transformer, else the
 * envelope as JSON / a readable message), signs webhooks, and turns the answer into an outcome.
 * 2xx is delivered; anything else (3xx included: redirects are not followed), a timeout or a
 * network error is a failure to retry. Secrets and bodies are never logged.
 */
@Injectable()
export class TargetSender {
  private readonly logger = new Logger(TargetSender.name);
  /** compiled transformers by rule version and target */
  private readonly transformers = new Map<string, CompiledTransformer>();
  /** decrypted webhook secrets by rule version and target */
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly http: HttpPoster,
    private readonly mailer: Mailer,
    private readonly cipher: CredentialCipher,
    private readonly baseUrl: PublicBaseUrl,
    private readonly config: VigilConfig,
    private readonly clock: Clock,
  ) {}

  async send(rule: EventRule, target: StoredTarget, envelope: EventEnvelope, signal?: AbortSignal): Promise<SendOutcome> {
    try {
      const rendered = this.render(rule, target, envelope);
      const timeoutMs = this.config.events.requestTimeoutMs;
      switch (target.type) {
        case 'webhook': {
          const body = rendered ?? JSON.stringify(envelope);
          const secret = target.secretEnc ? this.secret(rule, target) : null;
          const headers: Record<string, string> = {
            'Content-Type': rendered === undefined || this.transformer(rule, target).mode === 'json' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
            'User-Agent': USER_AGENT,
            ...(secret ? signWebhook(secret, body, envelope.id, this.clock.now()) : { 'X-Vigil-Event-Id': envelope.id }),
          };
          return statusOutcome(await this.http.post(target.url!, body, headers, timeoutMs, signal));
        }
        case 'slack': {
          const body = JSON.stringify(slackMessage(envelope, this.baseUrl.get(), rendered));
          const headers = { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': USER_AGENT };
          return statusOutcome(await this.http.post(target.url!, body, headers, timeoutMs, signal));
        }
        case 'email': {
          const mail = emailMessage(envelope, this.baseUrl.get(), target.subject, rendered);
          const code = await this.mailer.send({ to: target.to ?? [], subject: mail.subject, text: mail.text, eventId: envelope.id });
          return { ok: true, statusCode: code, error: null };
        }
      }
    } catch (error) {
      if (error instanceof DeliveryError) return { ok: false, statusCode: error.statusCode, error: error.message };
      // a bug or a broken stored value (undecryptable secret): the delivery fails, the detail goes to the log
      this.logger.warn(`delivery to target ${target.id} of rule ${rule.id} failed: ${(error as Error).message}`);
      return { ok: false, statusCode: null, error: `internal: ${(error as Error).name}` };
    }
  }

  /** Decrypted once per rule version and target (a rotation changes the version). */
  private secret(rule: EventRule, target: StoredTarget): string {
    const key = `${rule.id}:${rule.updatedAt}:${target.id}`;
    let secret = this.secrets.get(key);
    if (secret === undefined) {
      if (this.secrets.size > 1000) this.secrets.clear();
      secret = this.cipher.decrypt(target.secretEnc!, secretBinding(rule.id, target.id));
      this.secrets.set(key, secret);
    }
    return secret;
  }

  private render(rule: EventRule, target: StoredTarget, envelope: EventEnvelope): string | undefined {
    if (!target.inputTransformer) return undefined;
    return this.transformer(rule, target).render(envelope, { ruleName: rule.name, ruleArn: ruleArn(rule.name), ingestionTime: envelope.time });
  }

  private transformer(rule: EventRule, target: StoredTarget): CompiledTransformer {
    const key = `${rule.id}:${rule.updatedAt}:${target.id}`;
    let compiled = this.transformers.get(key);
    if (!compiled) {
      if (this.transformers.size > 1000) this.transformers.clear();
      compiled = compileInputTransformer(target.inputTransformer, 'inputTransformer');
      this.transformers.set(key, compiled);
    }
    return compiled;
  }
}

function statusOutcome(status: number): SendOutcome {
  if (status >= 200 && status < 300) return { ok: true, statusCode: status, error: null };
  return { ok: false, statusCode: status, error: status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}` };
}

/** What `<aws.events.rule-arn>` renders as: EventBridge's ARN shape with Vigil's region and account. */
export function ruleArn(name: string): string {
  return `arn:vigil:events:${VIGIL_REGION}:${VIGIL_ACCOUNT}:rule/${name}`;
}
