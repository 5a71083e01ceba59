/**
 * What the gateway holds of any session running on this jump, terminal or tunnel: enough to
 * keep it alive in the registry and to end it when the registry says it ended elsewhere.
 */
export interface JumpSessionHandle {
  /** The registry's session id. */
  readonly id: string;
  readonly ended: boolean;
  /** Tells the user `reason`, ends the session as 'terminated' and closes what carries it. */
  terminate(reason: string): void;
}
