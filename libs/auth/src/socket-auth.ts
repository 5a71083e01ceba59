import { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { AuthService } from './auth.service';
import type { UserPrincipal } from './principal';

/**
 * socket.io middleware: authenticates `handshake.auth.token` with the same service as HTTP and
 * puts the user in `socket.data.user`. A missing or bad token refuses the connection
 * (the client gets `connect_error` with the reason).
 */
export function socketAuthMiddleware(auth: AuthService, logger: Logger) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    const token: unknown = socket.handshake.auth?.token;
    const verified = typeof token === 'string' && token.length <= 512 ? auth.authenticateUser(token) : Promise.resolve(null);
    verified.then(
      (user: UserPrincipal | null) => {
        if (!user) return next(new Error('unauthorized: a valid access token is required in auth.token'));
        (socket.data as { user: UserPrincipal }).user = user;
        next();
      },
      (error: Error) => {
        logger.error(`socket authentication failed: ${error.message}`);
        next(new Error('authentication unavailable, retry later'));
      },
    );
  };
}
