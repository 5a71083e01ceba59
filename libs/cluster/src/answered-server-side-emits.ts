type Ack = (error: Error | null, answers: unknown[]) => void;

/** The two methods of socket.io's Redis adapter this guard touches. */
interface ServerSideEmitter {
  serverSideEmit(packet: unknown[]): void;
  serverSideEmitWithAck(packet: unknown[]): Promise<unknown>;
}

/**
 * socket.io's Redis adapter answers a `serverSideEmit` with acknowledgement only once it has
 * counted the other servers (PUBSUB NUMSUB); when that command fails (Redis away) it swallows the
 * error and never calls the acknowledgement. Whoever waits for it then waits forever: a viewer's
 * `control` or `input` forwarded to the session's holder, a `GET /api/live/watchers`. This makes
 * the failure an answer: the acknowledgement is called, once, with the error and no answers — what
 * the adapter itself says when the other servers do not answer in time.
 */
export function answerFailedServerSideEmits<A extends object>(instance: A): A {
  const adapter = instance as unknown as ServerSideEmitter; // (the adapter declares these methods private)
  const emit = adapter.serverSideEmit.bind(adapter);
  adapter.serverSideEmit = (packet: unknown[]) => {
    const ack = packet[packet.length - 1];
    if (typeof ack !== 'function') return emit(packet);
    let answered = false;
    const once: Ack = (error, answers) => {
      if (answered) return;
      answered = true;
      (ack as Ack)(error, answers);
    };
    const guarded = [...packet.slice(0, -1), once];
    adapter.serverSideEmitWithAck(guarded).catch((error: Error) => once(error, []));
  };
  return instance;
}
