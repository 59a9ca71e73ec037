import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Actor, CurrentActor, Role, Roles } from '@app/auth';
import { CommandMeta, RegisterWebhookEndpointCommand, RemoveWebhookEndpointCommand, RotateWebhookSecretCommand, WebhookSecretIssued } from '@app/commands';
import { APP_CONFIG, AppConfig } from '@app/config';
import { pageWithTotal, PRISMA, PrismaClient } from '@app/database';
import { fieldError, Meta, newEntityId, PageQueryDto, ParseIdPipe } from '@app/http';
import { endpointUrlProblem, MAX_ENDPOINT_URL_LENGTH, PARTNER_WEBHOOK_EVENT_TYPES, PARTNER_WEBHOOK_SIGNATURE_HEADER } from '@app/webhooks';

export class RegisterWebhookEndpointRequestDto {
  @IsString() @MaxLength(MAX_ENDPOINT_URL_LENGTH) url!: string;
  @IsOptional() @IsString() @Length(0, 200) description?: string;
}

export class RemoveWebhookEndpointRequestDto {
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

const SHOWN_ONCE = `Store this secret now: it is shown only once. Verify ${PARTNER_WEBHOOK_SIGNATURE_HEADER} (t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">) with it.`;

function secretAnswer(issued: WebhookSecretIssued) {
  return {
    endpointId: issued.endpointId,
    secret: issued.secret,
    note: issued.secret ? SHOWN_ONCE : 'Already done: the secret was shown in the first answer only.',
    position: String(issued.position),
  };
}

/**
 * A partner's HTTPS endpoints for its own events (application decided, license changes, directives
 * affecting its licensed models). The signing secret is generated here and shown once.
 */
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.PartnerAdmin)
  async register(@Body() body: RegisterWebhookEndpointRequestDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const problem = endpointUrlProblem(body.url, this.config.webhooks.httpAllowedHosts);
    if (problem) throw fieldError('url', problem);
    const endpointId = newEntityId('whk', meta);
    const issued = await this.commands.execute(new RegisterWebhookEndpointCommand(actor.partnerId!, endpointId, body.url, body.description ?? '', meta));
    return { ...secretAnswer(issued), url: body.url, eventTypes: PARTNER_WEBHOOK_EVENT_TYPES };
  }

  @Get()
  @Roles(Role.PartnerAdmin, Role.PartnerMember)
  async list(@CurrentActor() actor: Actor) {
    const rows = await this.prisma.webhookEndpointView.findMany({ where: { partnerId: actor.partnerId! }, orderBy: { registeredAt: 'asc' } });
    return {
      endpoints: rows.map((r) => ({
        endpointId: r.id,
        url: r.url,
        description: r.description,
        status: r.status,
        registeredAt: r.registeredAt.toISOString(),
        secretRotatedAt: r.secretRotatedAt?.toISOString() ?? null,
        removedAt: r.removedAt?.toISOString() ?? null,
      })),
    };
  }

  /** The partner's own view of what was sent to one of its endpoints, newest first, to debug its receiver. */
  @Get(':endpointId/deliveries')
  @Roles(Role.PartnerAdmin, Role.PartnerMember)
  async deliveries(@Param('endpointId', ParseIdPipe) endpointId: string, @Query() query: PageQueryDto, @CurrentActor() actor: Actor) {
    const endpoint = await this.prisma.webhookEndpointView.findFirst({ where: { id: endpointId, partnerId: actor.partnerId! } });
    if (!endpoint) throw new NotFoundException({ code: 'WEBHOOK_ENDPOINT.NOT_FOUND', message: 'No such webhook endpoint.' });
    const where = { endpointId, partnerId: actor.partnerId! };
    const [rows, total] = await pageWithTotal(
      this.prisma,
      this.prisma.webhookDelivery.findMany({ where, orderBy: [{ eventPosition: 'desc' }, { id: 'asc' }], ...PageQueryDto.page(query) }),
      this.prisma.webhookDelivery.count({ where }),
    );
    return {
      total,
      deliveries: rows.map((r) => ({
        deliveryId: r.id,
        eventId: r.eventId,
        eventType: r.eventType,
        status: r.status,
        attempts: r.attempts,
        lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
        lastStatusCode: r.lastStatusCode,
        lastError: r.lastError,
        deliveredAt: r.deliveredAt?.toISOString() ?? null,
      })),
    };
  }

  @Post(':endpointId/rotate-secret')
  @HttpCode(200)
  @Roles(Role.PartnerAdmin)
  async rotateSecret(@Param('endpointId', ParseIdPipe) endpointId: string, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    return secretAnswer(await this.commands.execute(new RotateWebhookSecretCommand(actor.partnerId!, endpointId, meta)));
  }

  @Delete(':endpointId')
  @HttpCode(200)
  @Roles(Role.PartnerAdmin)
  async remove(
    @Param('endpointId', ParseIdPipe) endpointId: string,
    @Body() body: RemoveWebhookEndpointRequestDto,
    @CurrentActor() actor: Actor,
    @Meta() meta: CommandMeta,
  ) {
    const result = await this.commands.execute(new RemoveWebhookEndpointCommand(actor.partnerId!, endpointId, body?.reason ?? 'removed by partner', meta));
    return { endpointId, status: 'removed', position: String(result.position) };
  }
}
