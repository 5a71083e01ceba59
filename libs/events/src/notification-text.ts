import { API_CALL, EventEnvelope, SESSION_STATE_CHANGE, SHADOWING } from './envelope';

/** One line a person reads in Slack or an email subject, and the console page it is about. */
export interface EventSummary {
  line: string;
  /** the live session or its access-log entry in the console; null for events about no session */
  link: string | null;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Summarises an envelope for people. `baseUrl` is VIGIL_PUBLIC_URL, or the gateway's own address.
 * A session that ended links to its access-log entry (it has no live page any more); any other
 * session event links to the live session.
 */
export function summarize(envelope: EventEnvelope, baseUrl: string): EventSummary {
  const d = envelope.detail;
  const base = baseUrl.replace(/\/+$/, '');
  const sessionId = str(d.sessionId);
  const ended = (state: string | undefined) => state === 'ended' || state === 'terminated';
  const link = (isEnded: boolean) => (sessionId ? `${base}/${isEnded ? 'access-logs' : 'sessions'}/${encodeURIComponent(sessionId)}${isEnded ? '' : '/live'}` : null);

  if (envelope['detail-type'] === SESSION_STATE_CHANGE) {
    const state = str(d.state) ?? 'changed';
    const who = str(d.user) ?? 'someone';
    const where = str(d.target) ?? str(d.client) ?? 'an unknown host';
    const facts = [str(d.type), str(d.owner) ? `owner ${str(d.owner)}` : undefined, str(d.device) ? `from ${str(d.device)}` : undefined].filter(Boolean).join(', ');
    let line = `Session ${state}: ${who} on ${where}${facts ? ` (${facts})` : ''}`;
    if (state === 'terminated' && str(d.endedBy)) line += ` by ${str(d.endedBy)}`;
    if (state === 'ended' && str(d.reason)) line += `, reason ${str(d.reason)}`;
    return { line, link: link(ended(state)) };
  }
  if (envelope['detail-type'] === SHADOWING) {
    const mode = str(d.mode) ? ` (${str(d.mode)})` : '';
    return { line: `${str(d.viewer) ?? 'someone'}: ${str(d.action) ?? 'shadowing'} on session ${sessionId ?? '?'}${mode}`, link: link(false) };
  }
  if (envelope['detail-type'] === API_CALL) {
    const identity = (d.userIdentity ?? {}) as Record<string, unknown>;
    const who = str(identity.userName) ?? str(identity.principalId) ?? 'someone';
    const name = str(d.eventName) ?? 'a call';
    const failed = str(d.errorCode) ? ` failed: ${str(d.errorCode)}` : '';
    const about = sessionId ? ` on session ${sessionId}` : '';
    const endedCall = name === 'EndSession' || name === 'TerminateSession';
    return { line: `${who}: ${name}${about} (${envelope.source})${failed}`, link: link(endedCall) };
  }
  return { line: `${envelope['detail-type']} from ${envelope.source}`, link: link(false) };
}

/** Slack escapes these three in message text; anything else is literal. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The JSON body of a Slack-compatible incoming webhook: readable text with a link to the session. */
export function slackMessage(envelope: EventEnvelope, baseUrl: string, rendered?: string): { text: string } {
  if (rendered !== undefined) return { text: rendered };
  const { line, link } = summarize(envelope, baseUrl);
  return { text: link ? `${slackEscape(line)} <${link}|Open in Vigil>` : slackEscape(line) };
}

export interface EmailContent {
  subject: string;
  text: string;
}

const MAX_SUBJECT = 200;

/** An email about one event; with an input transformer, its output is the body. */
export function emailMessage(envelope: EventEnvelope, baseUrl: string, subject?: string, rendered?: string): EmailContent {
  const { line, link } = summarize(envelope, baseUrl);
  const fullSubject = (subject ?? `[Vigil] ${line}`).replace(/[\r\n]+/g, ' ');
  const text =
    rendered ??
    [line, link ? `\n${link}` : '', `\nEvent ${envelope.id} (${envelope['detail-type']}, ${envelope.source}) at ${envelope.time}:`, JSON.stringify(envelope.detail, null, 2)].join('\n');
  return { subject: fullSubject.length > MAX_SUBJECT ? `${fullSubject.slice(0, MAX_SUBJECT - 1)}…` : fullSubject, text };
}
