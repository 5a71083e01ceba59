import type { IncomingMessage } from 'node:http';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { originAllowed } from './origin-policy';
import { MessageHandler, bindPlainMessageHandlers } from './plain-message-handlers';
import { HandshakeRequest, slimHandshakeRequest } from './slim-handshake-request';

/**
 * The socket.io server of every Vigil process, one place for what every namespace (/live,
 * /sessions and any later one) must enforce before its own middleware runs: here, the `Origin`
 * of each handshake (originAllowed). A refused handshake gets HTTP 403. Each accepted connection
 * keeps a slim copy of its first HTTP request (slimHandshakeRequest), not the IncomingMessage.
 */
export class VigilIoAdapter extends IoAdapter {
  private readonly originLogger = new Logger('SocketOrigin');
  private readonly handlerLogger = new Logger('SocketHandlers');

  constructor(
    app: INestApplicationContext,
    private readonly allowedOrigins: readonly string[] | null,
  ) {
    super(app);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      allowRequest: (request: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => {
        const origin = request.headers.origin;
        if (originAllowed(origin, request.headers.host, this.allowedOrigins)) return callback(null, true);
        this.originLogger.warn(`socket.io handshake refused: Origin ${JSON.stringify(origin)} is not allowed (VIGIL_ALLOWED_ORIGINS)`);
        callback('origin not allowed', false);
      },
    }) as Server;
    // After socket.io's own listener (registered when the server was attached): it has its Client.
    server.engine.on('connection', (connection: { request: IncomingMessage | HandshakeRequest }) => {
      connection.request = slimHandshakeRequest(connection.request as IncomingMessage);
    });
    return server;
  }

  /** Plain listeners instead of Nest's RxJS chains per socket and message: see bindPlainMessageHandlers. */
  override bindMessageHandlers(socket: Parameters<IoAdapter['bindMessageHandlers']>[0], handlers: MessageHandler[]): void {
    bindPlainMessageHandlers(socket, handlers, (error) => this.handlerLogger.error(`socket message handler failed: ${(error as Error)?.stack ?? String(error)}`));
  }
}
