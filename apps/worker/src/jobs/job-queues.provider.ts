import { Logger, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { JobQueues } from '@app/jobs';

export const JOB_QUEUES = Symbol('JOB_QUEUES');

const logger = new Logger('JobQueues');

/** The producer side of every queue, on the configured Redis and key prefix; closed with the app. */
export const jobQueuesProvider: Provider = {
  provide: JOB_QUEUES,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    new JobQueues(config.redis, config.jobs, (error) => logger.warn(`Redis: ${error.message}`)),
};
