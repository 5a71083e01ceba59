import * as os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AgentsService, AuthService, SshKeysService, UsersService, normalizeAddress, toPrincipal } from '@vigil/auth';
import { AuditOutbox } from '@vigil/database';
import { SessionsService } from '@vigil/sessions';
import { TargetsService } from '@vigil/targets';
import { describeForwardEvent } from '../forward-event-text';
import type {
  JumpForwardEvent,
  JumpLoginEvent,
  JumpPorts,
  JumpPublicKey,
  JumpSessionEndInfo,
  JumpSessionStartInfo,
  JumpTarget,
  JumpUser,
} from '../jump-ports';
import { recordingOpenFailedMessage } from '../recording-failure';
import { JumpRecordings, RecordingUnavailableError } from './jump-recordings';

const JUMP_AGENT_NAME = 'embedded-jump';

/**
 * The jump server's view of Vigil: users and keys from auth, targets with decrypted credentials,
 * sessions registered in the registry under the jump's own agent identity, recorded as they run.
 */
@Injectable()
export class JumpPortsAdapter implements JumpPorts {
  private agentId?: Promise<string>;
  private readonly jumpHost = os.hostname();
  /** session id → the owner it was registered with, while it runs */
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly sshKeys: SshKeysService,
    private readonly agents: AgentsService,
    private readonly targets: TargetsService,
    private readonly sessions: SessionsService,
    private readonly recordings: JumpRecordings,
    private readonly outbox: AuditOutbox,
  ) {}

  async authenticatePassword(username: string, password: string): Promise<JumpUser | null> {
    const user = await this.auth.verifyCredentials(username, password);
    return user ? { id: user.id, username: user.username, roles: user.roles } : null;
  }

  /** Disabled accounts have no keys that work. */
  async authenticatePublicKey(username: string, key: JumpPublicKey): Promise<JumpUser | null> {
    const user = await this.users.findActiveByUsername(username);
    if (!user || !(await this.sshKeys.isRegistered(user.id, key.data))) return null;
    const { id, roles } = toPrincipal(user);
    return { id, username: user.username, roles };
  }

  /** Only a target the user holds a grant for; an unknown and a forbidden target look the same. */
  async resolveTarget(user: JumpUser, targetName: string): Promise<JumpTarget | null> {
    const roles = Array.isArray(user.roles) ? (user.roles as string[]) : [];
    const target = await this.targets.findForUser(targetName, { id: user.id, roles });
    // An RDP/VNC target is reached through guacd, never over SSH: to this door it does not exist.
    if (!target || target.protocol !== 'ssh') return null;
    return {
      name: target.name,
      host: target.host,
      port: target.port,
      username: target.accountName,
      password: target.password,
      privateKey: target.privateKey,
      hostKeySha256: target.hostKeySha256,
      policy: target.policy,
    };
  }

  pinHostKey(targetName: string, sha256Fingerprint: string): Promise<void> {
    return this.targets.pinHostKey(targetName, sha256Fingerprint);
  }

  /**
   * `jump.login` / `jump.login-refused`, committed before the jump answers: the record names the
   * user (accepted) or the source address (refused: the name is only what was typed).
   */
  async loginAttempt(event: JumpLoginEvent): Promise<void> {
    await this.outbox.append({
      action: event.accepted ? 'jump.login' : 'jump.login-refused',
      actor: event.accepted ? `user:${event.username}` : `ip:${normalizeAddress(event.clientIp)}`,
      context: { sourceIp: normalizeAddress(event.clientIp), ...(event.clientSoftware ? { userAgent: event.clientSoftware } : {}) },
      requestParameters: { username: event.username, target: event.target, method: event.method, clientPort: event.clientPort },
      ...(event.refusal ? { errorCode: event.refusal, errorMessage: event.message ?? event.refusal } : {}),
      ...(event.target ? { resources: [{ type: 'Target', name: event.target }] } : {}),
    });
  }

  /** Registers a PAM_SSH session and opens its recording before any byte flows. */
  async sessionStarted(info: JumpSessionStartInfo): Promise<{ sessionId: string }> {
    const target = await this.targets.findWithCredentials(info.target.name);
    // The user started it, through the jump (its agent): the record names the user and their address.
    const origin = { actor: `user:${info.user.username}`, context: { sourceIp: normalizeAddress(info.clientIp) } };
    const { session } = await this.sessions.open(await this.jumpAgentId(), {
      externalId: randomUUID(),
      type: 'PAM_SSH',
      user: info.user.username,
      device: info.clientIp,
      client: info.client ?? this.jumpHost,
      port: info.target.port,
      serviceUrl: `ssh://${info.target.username}@${info.target.host}:${info.target.port}`,
      accountName: info.target.username,
      serviceProvider: info.target.name,
      owner: target?.owner ?? info.user.username,
    }, origin, { liveStream: 'terminal' });
    await this.recordings.open(session.id, info).catch(async (error: unknown) => {
      // Refused before any byte flowed: end it now rather than leave it Connected until it times out.
      const message = recordingOpenFailedMessage(error instanceof RecordingUnavailableError ? error.reason : 'error');
      await this.sessions.end(session.id, { reason: 'failed', agentId: await this.jumpAgentId(), message }).catch(() => undefined);
      throw error;
    });
    this.owners.set(session.id, session.owner);
    return { sessionId: session.id };
  }

  /** The jump is its sessions' agent: it vouches that they are alive. */
  async heartbeat(sessionId: string): Promise<void> {
    await this.sessions.heartbeat(await this.jumpAgentId(), sessionId);
  }

  ownerOf(sessionId: string): string | undefined {
    return this.owners.get(sessionId);
  }

  async sessionEnded(sessionId: string, info: JumpSessionEndInfo): Promise<void> {
    this.owners.delete(sessionId);
    await this.sessions.end(sessionId, { reason: info.reason, agentId: await this.jumpAgentId(), message: info.message });
    await this.recordings.seal(sessionId);
  }

  /** A tunnel has no screen: each channel is a line in its recording, and an audit record. */
  async forwardChannel(sessionId: string, event: JumpForwardEvent): Promise<void> {
    this.recordings.writer(sessionId)?.output(`${describeForwardEvent(event)}\r\n`);
    const { username, ...detail } = event;
    await this.outbox.append({ action: 'jump.forward', actor: `user:${username}`, sessionId, requestParameters: { ...detail } });
  }

  /** The jump's own agent identity (its sessions' agent; the actor of what the jump itself audits). */
  jumpAgentId(): Promise<string> {
    this.agentId ??= this.agents.ensureInternal(JUMP_AGENT_NAME, 'jump-server');
    return this.agentId;
  }
}
