import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { CommandsModule } from '@app/commands';
import { AppConfig, Clock, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { OperabilityModule } from '@app/http';
import { ApplicationsController } from './applications/applications.controller';
import { AuditController } from './audit/audit.controller';
import { AuditIntegrityController } from './audit-integrity/audit-integrity.controller';
import { DecisionsController } from './decisions/decisions.controller';
import { DirectivesController } from './directives/directives.controller';
import { GovernmentApprovalsController } from './government-approvals/government-approvals.controller';
import { KycCasesController } from './kyc-cases/kyc-cases.controller';
import { RestrictedPartyListsController } from './restricted-party-lists/restricted-party-lists.controller';
import { ScreeningsController } from './screenings/screenings.controller';
import { LicensesController } from './licenses/licenses.controller';
import { ModelsController } from './models/models.controller';
import { PartnersController } from './partners/partners.controller';
import { ReportsController } from './reports/reports.controller';
import { WebhookDeliveriesController } from './webhook-deliveries/webhook-deliveries.controller';

@Module({})
export class AdminApiModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [ConfigModule.forRoot(config, clock), OperabilityModule.forRoot('admin-api'), DatabaseModule, CommandsModule, AuthModule],
      controllers: [
        ModelsController,
        ApplicationsController,
        PartnersController,
        KycCasesController,
        ScreeningsController,
        RestrictedPartyListsController,
        GovernmentApprovalsController,
        LicensesController,
        DirectivesController,
        DecisionsController,
        AuditController,
        AuditIntegrityController,
        WebhookDeliveriesController,
        ReportsController,
      ],
    };
  }
}
