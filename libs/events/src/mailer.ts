import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { VigilConfig } from '@vigil/config';
import { DeliveryError } from './http-poster';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  eventId: string;
}

/**
 * Email over SMTP (nodemailer) to VIGIL_SMTP_URL, one pooled transport per gateway. The request
 * timeout bounds the connection, the greeting and each socket read. Answers the server's reply
 * code (250 when accepted).
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private transport: Transporter | null = null;

  constructor(private readonly config: VigilConfig) {}

  get configured(): boolean {
    return this.config.events.smtp.url !== null;
  }

  async send(message: MailMessage): Promise<number | null> {
    const transport = this.transporter();
    try {
      const info = (await transport.sendMail({
        from: this.config.events.smtp.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        headers: { 'X-Vigil-Event-Id': message.eventId },
      })) as { response?: string };
      const code = /^(\d{3})/.exec(info.response ?? '');
      return code ? Number(code[1]) : null;
    } catch (error) {
      const e = error as { responseCode?: number; code?: string; message?: string };
      throw new DeliveryError(`${e.code ? `${e.code}: ` : ''}${(e.message ?? 'SMTP failure').replace(/[\r\n]+/g, ' ')}`.slice(0, 300), e.responseCode ?? null);
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }

  private transporter(): Transporter {
    if (this.transport) return this.transport;
    const { url } = this.config.events.smtp;
    if (!url) throw new DeliveryError('no SMTP server configured (VIGIL_SMTP_URL)');
    // nodemailer reads options from the URL's query; a URL with its own values keeps them
    const withTimeouts = new URL(url);
    const timeout = String(this.config.events.requestTimeoutMs);
    for (const key of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) {
      if (!withTimeouts.searchParams.has(key)) withTimeouts.searchParams.set(key, timeout);
    }
    if (!withTimeouts.searchParams.has('pool')) withTimeouts.searchParams.set('pool', 'true');
    this.transport = createTransport(withTimeouts.toString());
    return this.transport;
  }
}
