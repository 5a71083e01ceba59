export * from './agent-wire';
export * from './agent-channel.module';
export { AgentChannelCore, type AgentSessionsPort, type AgentCaller } from './agent-channel-core';
export { AgentRateLimits, AGENT_CHANNEL_LIMITS, type AgentChannelLimits } from './agent-rate-limits';
export { parseOpen, parseHeartbeat, parseEnd } from './agent-payloads';
