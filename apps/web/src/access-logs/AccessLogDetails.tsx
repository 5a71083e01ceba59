import type { ReactNode } from 'react';
import type { AccessLogView } from '../api/types';
import { formatDate, formatDuration } from '../common/format';
import { EndReason, explainEndReason } from './EndReason';
import { RecordingLink } from './RecordingLink';

const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '—' : String(v));
const when = (iso: string) => (
  <time dateTime={iso} title={iso}>
    {formatDate(iso)}
  </time>
);

/** Every attribute of an entry as a description list, grouped. */
export function AccessLogDetails({ entry }: { entry: AccessLogView }) {
  const groups: { title: string; rows: [string, ReactNode, string?][] }[] = [
    {
      title: 'How it ended',
      rows: [
        ['End reason', <><EndReason reason={entry.endReason} /> <span className="muted">{explainEndReason(entry.endReason)}</span></>, 'endReason'],
        ['Ended by', dash(entry.endedBy), 'endedBy'],
        ['Message', dash(entry.endMessage), 'endMessage'],
        ['Final status', entry.status, 'status'],
        ['Start date', when(entry.startDate), 'startDate'],
        ['End date', when(entry.endDate), 'endDate'],
        ['Duration', entry.durationSeconds < 60 ? formatDuration(entry.durationSeconds) : `${formatDuration(entry.durationSeconds)} (${entry.durationSeconds} s)`, 'duration'],
      ],
    },
    {
      title: 'Who and where',
      rows: [
        ['User', entry.user, 'user'],
        ['Owner', entry.owner, 'owner'],
        ['Device', entry.device, 'device'],
        ['Client', entry.client, 'client'],
        ['Port', dash(entry.port), 'port'],
        ['Service URL', dash(entry.serviceUrl), 'serviceUrl'],
        ['Account name', dash(entry.accountName), 'accountName'],
        ['Service provider', dash(entry.serviceProvider), 'serviceProvider'],
        ['Type', entry.type, 'type'],
      ],
    },
    {
      title: 'Identifiers',
      rows: [
        ['Session ID', <code>{entry.id}</code>, 'id'],
        ['External ID', <code>{entry.externalId}</code>, 'externalId'],
        ['Agent ID', <code>{entry.agentId}</code>, 'agentId'],
        [
          'Recording',
          <RecordingLink url={entry.recordingUrl} />,
          'recordingUrl',
        ],
      ],
    },
  ];

  return (
    <div className="detail-grid">
      {groups.map((group, index) => (
        <section key={group.title} className="card" aria-labelledby={`detail-group-${index}`}>
          <h2 id={`detail-group-${index}`}>{group.title}</h2>
          <dl className="details">
            {group.rows.map(([label, value, field]) => (
              <div key={label} className="detail-row" data-field={field}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </div>
  );
}
