import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Actor, Role, TokenVerifier } from '@app/auth';
import type { AppConfig } from '@app/config';
import { JobQueues } from '@app/jobs';

export const QUEUE_BOARD_PATH = '/admin/queues';

const logger = new Logger('QueueBoard');

/** The same body the guards' 401 and 403 answer elsewhere in the API. */
function refusal(statusCode: 401 | 403, message: string) {
  return { statusCode, error: statusCode === 401 ? 'Unauthorized' : 'Forbidden', code: `HTTP_${statusCode}`, message };
}

/** Only a verified `admin` token passes; everything under the board's prefix is refused otherwise, before any route runs. */
export function adminOnly(verifier: TokenVerifier) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const actor: Actor | null = verifier.actorOf(request.headers.authorization);
    if (!actor) {
      await reply.code(401).send(refusal(401, 'A valid bearer token is required.'));
      return;
    }
    if (actor.role !== Role.Admin) await reply.code(403).send(refusal(403, 'The queue board is for the admin role only.'));
  };
}

/**
 * The operator view of every queue (Bull Board): waiting, delayed, active, completed and failed
 * jobs, with retry. Mounted on admin-api's Fastify instance under QUEUE_BOARD_PATH, behind the
 * admin role. Its queues are producers only; they close with the app.
 */
export async function mountQueueBoard(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const queues = new JobQueues(config.redis, config.jobs, (error) => logger.warn(`Redis: ${error.message}`));
  const board = new FastifyAdapter();
  // @bull-board/fastify pins its own copy of @bull-board/api; the two differ only in private members.
  const serverAdapter = board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'];
  createBullBoard({ queues: [...queues.queues.values()].map((queue) => new BullMQAdapter(queue)), serverAdapter });
  board.setBasePath(QUEUE_BOARD_PATH);
  const verifier = new TokenVerifier(config);
  await app.register(
    async (scope: FastifyInstance) => {
      scope.addHook('onRequest', adminOnly(verifier));
      await scope.register(board.registerPlugin());
    },
    { prefix: QUEUE_BOARD_PATH },
  );
  app.getHttpAdapter().getInstance().addHook('onClose', async () => queues.close());
}
