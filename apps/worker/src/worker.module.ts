import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { CommandsModule } from '@app/commands';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { EventStoreModule } from '@app/event-store';
import { HealthController } from '@app/http';
import { ProjectionsService } from './projections/projections.service';
import { ScreenPartnersWhenApplicationsChange } from './screening/screen-partners-when-applications-change.reactor';
import { DeliverPartnerWebhooks } from './webhooks/deliver-partner-webhooks.processor';
import { NotifyPartnersWhenTheirEventsHappen } from './webhooks/notify-partners-when-their-events-happen.reactor';

/** Projectors (and, later, reactors and job processors). HTTP only for health. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, EventStoreModule, CommandsModule, AuthModule],
      controllers: [HealthController],
      providers: [ProjectionsService, ScreenPartnersWhenApplicationsChange, NotifyPartnersWhenTheirEventsHappen, DeliverPartnerWebhooks],
    };
  }
}
