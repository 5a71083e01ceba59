import type { Namespace, Socket } from 'socket.io';
import type { AuditContext } from '@vigil/common';
import type { AgentPrincipal } from '@vigil/auth';
import type { AgentClientEvents, AgentServerEvents } from './agent-wire';

export interface AgentSocketData {
  agent: AgentPrincipal;
  context: AuditContext;
}

export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentSocketData>;
export type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentSocketData>;
