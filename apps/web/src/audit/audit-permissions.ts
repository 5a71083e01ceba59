import type { Me } from '../api/types';

/** Mirrors the server's rules for the audit pages; the server still checks every call. */
export const auditCan = {
  /** the audit trail and anyone's "who watched" */
  readAudit: (me: Me) => me.roles.includes('admin') || me.roles.includes('auditor'),
  /** event rules, deliveries and dead letters */
  manageEventRules: (me: Me) => me.roles.includes('admin'),
};
