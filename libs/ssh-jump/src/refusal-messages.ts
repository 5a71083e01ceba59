/** Every user-visible refusal in one place, so wording stays consistent and greppable. */

export const refusal = {
  badLoginName: (reason: string) => `Vigil: invalid login name: ${reason}.`,
  unknownTarget: (target: string) =>
    `Vigil: unknown target "${target}" (or you are not allowed to use it).`,
  lockedOut: (seconds: number) =>
    `Vigil: too many failed password attempts; try again in ${seconds} s.`,
  hostKeyChanged: (target: string, expected: string, seen: string) =>
    `Vigil: the host key of target "${target}" has changed (pinned ${expected}, offered ${seen}). ` +
    'Refusing to connect; ask an administrator to verify and re-pin the target.',
  targetUnreachable: (target: string) => `Vigil: could not connect to target "${target}".`,
  sftpDisabled: (target: string) => `Vigil: SFTP/SCP is disabled for target "${target}" by policy.`,
  subsystemDisabled: (target: string, name: string) =>
    `Vigil: subsystem "${name}" is disabled for target "${target}" by policy.`,
  portForwardingDisabled: (target: string) => `Vigil: port forwarding is disabled for target "${target}" by policy.`,
  agentForwardingDisabled: (target: string) => `Vigil: agent forwarding is disabled for target "${target}" by policy.`,
  agentForwardingUnsupported: () => 'Vigil: agent forwarding through the jump server is not supported.',
  x11Disabled: (target: string) => `Vigil: X11 forwarding is disabled for target "${target}" by policy.`,
  x11Unsupported: () => 'Vigil: X11 forwarding through the jump server is not supported.',
  sessionRefused: () => 'Vigil: the session could not be registered; refusing to start it.',
  auditUnavailable: () => 'Vigil: your login could not be recorded in the audit trail; refusing it. Try again later.',
  nonInteractiveDisabled: (target: string) =>
    `Vigil: commands and sessions without a terminal are disabled for target "${target}" by policy; ` +
    'only interactive terminal sessions (ssh -t) are allowed.',
  tooManySessions: (max: number) => `Vigil: at most ${max} sessions per connection; open another connection.`,
  /** A terminate reason: shown as "[Vigil] …" on the sessions and in the disconnect message. */
  requestFlood: () => 'This connection sent too many SSH requests and was disconnected.',
  loginGraceExceeded: (seconds: number) => `Vigil: not authenticated within the login grace time (${seconds} s); disconnected.`,
  tooManyStartups: () => 'Vigil: too many unauthenticated connections; try again later.',
  upstreamFailed: (target: string) => `Vigil: the target "${target}" refused to start the session.`,
} as const;
