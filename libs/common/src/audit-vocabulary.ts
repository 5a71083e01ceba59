/**
 * Every audit action Vigil records, and how it reads as a CloudTrail record: the service that
 * handled it (`eventSource`), the call's name (`eventName`), whether it only read (`readOnly`).
 * The internal action (dotted, e.g. `viewer.join`) stays the stored key; CloudTrail names are
 * what users filter on and what event rules match. docs/API.md lists this table.
 */
export interface AuditEventKind {
  eventSource: string;
  eventName: string;
  readOnly: boolean;
  /** CloudTrail's eventType: sign-ins are `AwsConsoleSignIn`, everything else an API call */
  eventType?: 'AwsApiCall' | 'AwsConsoleSignIn';
}

const kind = (eventSource: string, eventName: string, readOnly = false, eventType?: AuditEventKind['eventType']): AuditEventKind => ({
  eventSource,
  eventName,
  readOnly,
  ...(eventType ? { eventType } : {}),
});

export const SESSIONS_SOURCE = 'vigil.sessions';
export const SSM_SOURCE = 'ssm.amazonaws.com';

export const AUDIT_VOCABULARY = {
  // sessions, through any door (agent API, jump, console, SSM API)
  'session.start': kind(SESSIONS_SOURCE, 'StartSession'),
  'session.end': kind(SESSIONS_SOURCE, 'EndSession'),
  'session.terminate': kind(SESSIONS_SOURCE, 'TerminateSession'),
  'sessions.export': kind(SESSIONS_SOURCE, 'ExportSessions', true),
  'access-log.export': kind(SESSIONS_SOURCE, 'ExportAccessLog', true),
  'columns.update': kind(SESSIONS_SOURCE, 'UpdateSessionColumns'),
  'access-log-columns.update': kind(SESSIONS_SOURCE, 'UpdateAccessLogColumns'),
  // live shadowing
  'viewer.join': kind('vigil.live', 'JoinSession', true),
  'viewer.leave': kind('vigil.live', 'LeaveSession', true),
  'viewer.input': kind('vigil.live', 'SendInput'),
  'control.take': kind('vigil.live', 'TakeControl'),
  'control.handback': kind('vigil.live', 'HandBackControl'),
  'control.request': kind('vigil.live', 'RequestControl'),
  'control.grant': kind('vigil.live', 'GrantControl'),
  'control.deny': kind('vigil.live', 'DenyControlRequest'),
  'user.message': kind('vigil.live', 'SendMessageToUser'),
  'user.pause': kind('vigil.live', 'PauseUserInput'),
  'user.resume': kind('vigil.live', 'ResumeUserInput'),
  // accounts and sign-in
  'auth.login': kind('vigil.auth', 'ConsoleLogin', false, 'AwsConsoleSignIn'),
  'auth.login-failed': kind('vigil.auth', 'ConsoleLogin', false, 'AwsConsoleSignIn'),
  'auth.logout': kind('vigil.auth', 'ConsoleLogout', false, 'AwsConsoleSignIn'),
  'user.create': kind('vigil.iam', 'CreateUser'),
  'user.update': kind('vigil.iam', 'UpdateUser'),
  'user.disable': kind('vigil.iam', 'DisableUser'),
  'user.delete': kind('vigil.iam', 'DeleteUser'),
  'user.password-change': kind('vigil.iam', 'ChangePassword'),
  'user.password-reset': kind('vigil.iam', 'ResetPassword'),
  'agent.create': kind('vigil.iam', 'CreateAgent'),
  'agent.revoke': kind('vigil.iam', 'RevokeAgent'),
  'agent.rotate': kind('vigil.iam', 'RotateAgentToken'),
  'ssh-key.add': kind('vigil.iam', 'UploadSSHPublicKey'),
  'ssh-key.remove': kind('vigil.iam', 'DeleteSSHPublicKey'),
  'access-key.create': kind('vigil.iam', 'CreateAccessKey'),
  'access-key.update': kind('vigil.iam', 'UpdateAccessKey'),
  'access-key.delete': kind('vigil.iam', 'DeleteAccessKey'),
  // targets and who may reach them
  'target.create': kind('vigil.targets', 'CreateTarget'),
  'target.update': kind('vigil.targets', 'UpdateTarget'),
  'target.delete': kind('vigil.targets', 'DeleteTarget'),
  'target.repin': kind('vigil.targets', 'RepinTargetHostKey'),
  'target.grants': kind('vigil.targets', 'PutTargetGrants'),
  'target.test': kind('vigil.targets', 'TestTargetConnection', true),
  // the SSH jump's door
  'jump.login': kind('vigil.jump', 'SshLogin'),
  'jump.login-refused': kind('vigil.jump', 'SshLogin'),
  'jump.forward': kind('vigil.jump', 'OpenPortForward'),
  // the browser's SSH door (libs/web-terminal): a terminal opened on the jump's path, or refused
  'web-terminal.open': kind('vigil.web-terminal', 'OpenWebTerminal'),
  'web-terminal.open-refused': kind('vigil.web-terminal', 'OpenWebTerminal'),
  // the browser's RDP/VNC door (libs/rdp): connect calls, refusals of real tunnel tokens
  'rdp.connect': kind('vigil.rdp', 'ConnectTarget'),
  'rdp.tunnel-refused': kind('vigil.rdp', 'OpenTunnel'),
  // recordings
  'recording.view': kind('vigil.recordings', 'ViewRecording', true),
  'recording.download': kind('vigil.recordings', 'DownloadRecording', true),
  'recording.failed': kind('vigil.recordings', 'RecordingFailed'),
  // the SSM-compatible API: every call, refused ones with errorCode
  'ssm.DescribeSessions': kind(SSM_SOURCE, 'DescribeSessions', true),
  'ssm.TerminateSession': kind(SSM_SOURCE, 'TerminateSession'),
  'ssm.StartSession': kind(SSM_SOURCE, 'StartSession'),
  'ssm.ResumeSession': kind(SSM_SOURCE, 'ResumeSession'),
  // the CloudTrail-compatible API
  'cloudtrail.LookupEvents': kind('cloudtrail.amazonaws.com', 'LookupEvents', true),
  // the SSM importer's AWS sources (libs/ssm-import)
  'ssm-import.create': kind('vigil.ssm-import', 'CreateImportSource'),
  'ssm-import.update': kind('vigil.ssm-import', 'UpdateImportSource'),
  'ssm-import.delete': kind('vigil.ssm-import', 'DeleteImportSource'),
  // the audit trail itself and event rules
  'audit.export': kind('vigil.audit', 'ExportAuditEvents', true),
  'audit.watch-report': kind('vigil.audit', 'GetWatchReport', true),
  'event-rule.create': kind('vigil.events', 'PutRule'),
  'event-rule.update': kind('vigil.events', 'UpdateRule'),
  'event-rule.delete': kind('vigil.events', 'DeleteRule'),
  'event-delivery.redrive': kind('vigil.events', 'RedriveDeliveries'),
} as const satisfies Record<string, AuditEventKind>;

export type AuditAction = keyof typeof AUDIT_VOCABULARY;
export const AUDIT_ACTIONS = Object.keys(AUDIT_VOCABULARY) as AuditAction[];

export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(AUDIT_VOCABULARY, action);
}

/** The CloudTrail event names, each once (an action list for filters and the docs). */
export const AUDIT_EVENT_NAMES = [...new Set(Object.values(AUDIT_VOCABULARY).map((k: AuditEventKind) => k.eventName))].sort();
