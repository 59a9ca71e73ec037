import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

export interface ServedRoute {
  method: string;
  url: string;
}

const SERVED_ROUTES = new WeakMap<FastifyInstance, ServedRoute[]>();

/** Remembers every route registered on the instance from now on: Nest's controllers, plugins and raw Fastify routes alike. */
export function recordServedRoutes(fastify: FastifyInstance): void {
  const routes: ServedRoute[] = [];
  SERVED_ROUTES.set(fastify, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
}

/** Every route (but the automatic HEADs) an app made by createHttpApp serves. */
export function servedRoutes(app: NestFastifyApplication): ServedRoute[] {
  const routes = SERVED_ROUTES.get(app.getHttpAdapter().getInstance());
  if (!routes) throw new Error('servedRoutes: the app was not made by createHttpApp');
  return [...routes];
}
