import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthService, bearerToken } from './auth.service';
import { AgentPrincipal, Role, UserPrincipal } from './principal';
import type { HttpRequest } from '@vigil/common';

type AuthenticatedRequest = HttpRequest & { principal?: UserPrincipal | AgentPrincipal };

const ROLES_KEY = 'vigil:roles';
/** Restricts a route to users holding at least one of these roles. */
export const RequireRoles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Authenticates a user's bearer token and enforces @RequireRoles. */
@Injectable()
export class UserAuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    const user = token ? await this.auth.authenticateUser(token) : null;
    if (!user) throw new UnauthorizedException('missing, invalid or expired bearer token');
    request.principal = user;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles && !roles.some((role) => user.roles.includes(role))) {
      throw new ForbiddenException(`requires role ${roles.join(' or ')}`);
    }
    return true;
  }
}

/** Authenticates an agent's or jump server's bearer token. */
@Injectable()
export class AgentAuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    const agent = token ? await this.auth.authenticateAgent(token) : null;
    if (!agent) throw new UnauthorizedException('missing, invalid or revoked agent token');
    request.principal = agent;
    return true;
  }
}

export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal as UserPrincipal,
);

export const CurrentAgent = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal as AgentPrincipal,
);
