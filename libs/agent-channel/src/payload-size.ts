import { MAX_AGENT_PAYLOAD_BYTES } from './agent-wire';

/**
 * The JSON size of an event's arguments (without its ack): socket.io has already
 * parsed the packet (its own maxHttpBufferSize bounds that), this keeps what reaches the handlers
 * to the agent API's body limit. Binary attachments count at their byte length.
 */
export function payloadBytes(args: readonly unknown[]): number {
  let total = 0;
  for (const arg of args) {
    if (typeof arg === 'function') continue;
    if (Buffer.isBuffer(arg) || arg instanceof ArrayBuffer || ArrayBuffer.isView(arg)) {
      total += (arg as ArrayBufferLike | ArrayBufferView).byteLength;
      continue;
    }
    const json = JSON.stringify(arg);
    total += json === undefined ? 0 : Buffer.byteLength(json);
  }
  return total;
}

/** 'ok', 'too-large', or 'not-json' for what cannot be measured (e.g. nested so deep that JSON.stringify overflows the stack). */
export function checkPayloadSize(args: readonly unknown[], limit = MAX_AGENT_PAYLOAD_BYTES): 'ok' | 'too-large' | 'not-json' {
  try {
    return payloadBytes(args) > limit ? 'too-large' : 'ok';
  } catch {
    return 'not-json';
  }
}
