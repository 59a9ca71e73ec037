import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { CommandsModule } from '@app/commands';
import { AppConfig, Clock, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { OperabilityModule } from '@app/http';
import { ApplicationController } from './application/application.controller';
import { CredentialsController } from './credentials/credentials.controller';
import { KycController } from './kyc/kyc.controller';
import { LicensesController } from './licenses/licenses.controller';
import { RequestsController } from './requests/requests.controller';
import { UsersController } from './users/users.controller';
import { KycWebhooksController } from './webhooks/kyc-webhooks.controller';
import { WebhookEndpointsController } from './webhook-endpoints/webhook-endpoints.controller';

@Module({})
export class PartnerApiModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: PartnerApiModule,
      imports: [ConfigModule.forRoot(config, clock), OperabilityModule.forRoot('partner-api'), DatabaseModule, CommandsModule, AuthModule],
      controllers: [ApplicationController, CredentialsController, LicensesController, KycController, UsersController, RequestsController, KycWebhooksController, WebhookEndpointsController],
    };
  }
}
