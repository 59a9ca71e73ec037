import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { CommandsModule } from '@app/commands';
import { AppConfig, Clock, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { EventStoreModule } from '@app/event-store';
import { OperabilityModule } from '@app/http';
import { AuditCheckpoints } from './audit/audit-checkpoints.service';
import { ProjectionsService } from './projections/projections.service';
import { ExpiryProcessor } from './expiry/expiry.processor';
import { ExpirySweep } from './expiry/expiry-sweep.service';
import { IndexSnapshotRefresher } from './index-snapshots/index-snapshot-refresher.service';
import { EnqueueJobsFromEvents } from './jobs/enqueue-jobs-from-events.reactor';
import { jobQueuesProvider } from './jobs/job-queues.provider';
import { JobWorkers } from './jobs/job-workers.service';
import { KycProcessor } from './kyc/kyc.processor';
import { RestrictedPartyIndex } from './screening/restricted-party-index.service';
import { ScreeningProcessor } from './screening/screening.processor';
import { DeliverPartnerWebhooks } from './webhooks/deliver-partner-webhooks.processor';
import { NotifyPartnersWhenTheirEventsHappen } from './webhooks/notify-partners-when-their-events-happen.reactor';

/** Projectors, the reactors that turn events into jobs, and the job processors. HTTP only for health. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config, clock), OperabilityModule.forRoot('worker', { needsRedis: true }), DatabaseModule, EventStoreModule, CommandsModule, AuthModule],
      providers: [
        ProjectionsService,
        NotifyPartnersWhenTheirEventsHappen,
        DeliverPartnerWebhooks,
        jobQueuesProvider,
        EnqueueJobsFromEvents,
        RestrictedPartyIndex,
        ScreeningProcessor,
        KycProcessor,
        ExpiryProcessor,
        JobWorkers,
        ExpirySweep,
        AuditCheckpoints,
        IndexSnapshotRefresher,
      ],
    };
  }
}
