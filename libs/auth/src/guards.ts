import { CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Actor, Role } from './roles';

const ROLES = 'auth:roles';
const PUBLIC = 'auth:public';

/** The roles allowed to call a handler. A handler without @Roles or @Public is closed to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);
/** No bearer token needed (health, signed webhooks, credential-authenticated endpoints). */
export const Public = () => SetMetadata(PUBLIC, true);

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  return context.switchToHttp().getRequest().user;
});

/** Who may call a handler, read as the guards read it: the handler's own metadata first, then its controller's. */
export function accessOf(handler: Function, controller: Function): { public: boolean; roles: Role[] } {
  const read = <T>(key: string): T | undefined => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
  return { public: read<boolean>(PUBLIC) === true, roles: read<Role[]>(ROLES) ?? [] };
}

function metadata<T>(reflector: Reflector, key: string, context: ExecutionContext): T | undefined {
  return reflector.getAllAndOverride<T>(key, [context.getHandler(), context.getClass()]);
}

@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (metadata<boolean>(this.reflector, PUBLIC, context)) return true;
    return super.canActivate(context);
  }
}

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (metadata<boolean>(this.reflector, PUBLIC, context)) return true;
    const roles = metadata<Role[]>(this.reflector, ROLES, context) ?? [];
    const actor: Actor | undefined = context.switchToHttp().getRequest().user;
    if (!actor || !roles.includes(actor.role)) {
      throw new ForbiddenException(`This endpoint needs one of the roles: ${roles.join(', ') || '(none)'}.`);
    }
    return true;
  }
}
