import type { OpenSessionDto } from '@vigil/sessions';

export type DemoSessionKind = Pick<OpenSessionDto, 'type' | 'client' | 'port' | 'serviceUrl' | 'accountName' | 'serviceProvider'>;

/** One of each session type the registry knows, so the demo's sessions page shows them all. */
export const DEMO_SESSION_KINDS: readonly DemoSessionKind[] = [
  { type: 'PAM_SSH', client: 'srv-db-01', port: 22, serviceUrl: 'ssh://srv-db-01:22', accountName: 'root', serviceProvider: 'vigil-jump' },
  { type: 'PAM_RDP', client: 'win-ad-02', port: 3389, serviceUrl: 'rdp://win-ad-02:3389', accountName: 'Administrator', serviceProvider: 'vigil-rdp' },
  { type: 'WebSSO', client: 'crm.example.com', port: 443, serviceUrl: 'https://crm.example.com/login', accountName: 'jdoe@example.com', serviceProvider: 'corp-idp' },
  { type: 'ESSO', client: 'sap-prod', port: 3200, serviceUrl: 'sap://sap-prod:3200', accountName: 'SAP_ADMIN', serviceProvider: 'esso-agent' },
  { type: 'CONSOLE', client: 'ws-0142', port: undefined, serviceUrl: undefined, accountName: 'CORP\\jdoe', serviceProvider: 'windows' },
  { type: 'PAM', client: 'oracle-fin', port: 1521, serviceUrl: 'oracle://oracle-fin:1521/FIN', accountName: 'SYSTEM', serviceProvider: 'vigil-pam' },
];

/**
 * The kind of the next simulated session: the type least represented among the open ones (the
 * earliest in the list on a tie). With as many sessions open as there are kinds, every type is on
 * the page at all times, whichever session the churn ended. (It used to be picked from the clock
 * plus a counter, which advanced by 4 mod 6 per churn and so cycled through three types only.)
 */
export function nextDemoSessionKind(openTypes: readonly string[], kinds: readonly DemoSessionKind[] = DEMO_SESSION_KINDS): DemoSessionKind {
  const counts = new Map(kinds.map((kind) => [kind.type as string, 0]));
  for (const type of openTypes) if (counts.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  let best = kinds[0];
  for (const kind of kinds) if ((counts.get(kind.type) ?? 0) < (counts.get(best.type) ?? 0)) best = kind;
  return best;
}
