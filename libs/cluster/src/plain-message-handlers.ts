import { isObservable } from 'rxjs';

/** What Nest passes an adapter's bindMessageHandlers for each @SubscribeMessage of a gateway. */
export interface MessageHandler {
  message: string;
  /** the gateway's method, bound to the socket; Nest's context wraps it (guards, pipes, exception filter) */
  callback: (data: unknown, ack?: (response: unknown) => void) => unknown;
  isAckHandledManually?: boolean;
}

/** The parts of a socket.io server socket the handlers use. */
export interface HandlerSocket {
  readonly connected: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
}

type AckFunction = (response: unknown) => void;
const isFunction = (value: unknown): value is AckFunction => typeof value === 'function';

/**
 * Nest's IoAdapter.mapPayload: a trailing function is the ack; one argument is the data itself,
 * several are passed as an array. `args` are the listener's arguments.
 */
export function mapHandlerArgs(args: unknown[]): { data: unknown; ack?: AckFunction } {
  // rxjs fromEvent, which Nest listens through, emits the lone argument or the array of several.
  const payload: unknown = args.length > 1 ? args : args[0];
  if (!Array.isArray(payload)) return isFunction(payload) ? { data: undefined, ack: payload } : { data: payload };
  const last: unknown = payload[payload.length - 1];
  if (!isFunction(last)) return { data: payload };
  const size = payload.length - 1;
  return { data: size === 1 ? payload[0] : payload.slice(0, size), ack: last };
}

/**
 * Binds a gateway's message handlers to one socket with plain listeners, doing what Nest's
 * IoAdapter.bindMessageHandlers does through RxJS (fromEvent → mergeMap → takeUntil(disconnect)
 * per message, per socket): each call's result (a value, a promise, an observable) that is not
 * null or undefined is the ack's argument, or, shaped `{ event, data }`, emitted as that event;
 * nothing is answered once the socket has disconnected.
 *
 * Why: those RxJS chains were most of what an idle socket cost. Heap snapshots of 1,000 idle
 * `/live` viewers (bench/capacity, BENCH_CAPACITY_HEAP_DIR) counted ~190 closures, ~165
 * contexts and 32 OperatorSubscribers per socket, ~52 KB of heap each; with these listeners (one
 * closure per message) ~17 KB, and the gateway's RSS per viewer fell from ~70 to ~33 KiB.
 *
 * A handler that throws or rejects (Nest's exception filter normally answers instead) is logged
 * here; through RxJS it would have ended that message's subscription and been rethrown as an
 * uncaught error.
 */
export function bindPlainMessageHandlers(socket: HandlerSocket, handlers: readonly MessageHandler[], onError: (error: unknown) => void): void {
  for (const { message, callback, isAckHandledManually } of handlers) {
    socket.on(message, (...args: unknown[]) => {
      const { data, ack } = mapHandlerArgs(args);
      const answer = (response: unknown): void => {
        if (response === null || response === undefined || !socket.connected) return;
        const { event, data: eventData } = response as { event?: unknown; data?: unknown };
        if (event) {
          socket.emit(event as string, eventData);
          return;
        }
        if (!isAckHandledManually && ack) ack(response);
      };
      let result: unknown;
      try {
        result = callback(data, ack);
      } catch (error) {
        onError(error);
        return;
      }
      Promise.resolve(result).then((value) => {
        if (!isObservable(value)) return answer(value);
        const subscription = value.subscribe({ next: answer, error: onError });
        // like takeUntil(disconnect$): a stream of answers stops with the socket
        if (!socket.connected) subscription.unsubscribe();
        else socket.on('disconnect', () => subscription.unsubscribe());
      }, onError);
    });
  }
}
