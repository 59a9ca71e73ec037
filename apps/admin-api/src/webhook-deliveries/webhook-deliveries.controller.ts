import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { CommandBus } from '@nestjs/cqrs';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { CommandMeta, ReplayWebhookDeliveryCommand } from '@app/commands';
import { pageWithTotal, PRISMA, PrismaClient } from '@app/database';
import { ID_PATTERN, IsIsoTime, Meta, ParseIdPipe } from '@app/http';
import { PARTNER_WEBHOOK_EVENT_TYPES } from '@app/webhooks';

const STATUSES = ['pending', 'retrying', 'delivered', 'dead', 'cancelled'] as const;

export class WebhookDeliveryQueryDto {
  /** `dead`: the dead-letter list. */
  @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @IsOptional() @Matches(ID_PATTERN) partnerId?: string;
  @IsOptional() @Matches(ID_PATTERN) endpointId?: string;
  @IsOptional() @IsIn(PARTNER_WEBHOOK_EVENT_TYPES) eventType?: string;
  @IsOptional() @IsIsoTime() from?: string;
  @IsOptional() @IsIsoTime() to?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

export class ReplayWebhookDeliveryRequestDto {
  @IsString() @Length(1, 500) reason!: string;
}

type DeliveryRow = Awaited<ReturnType<PrismaClient['webhookDelivery']['findMany']>>[number];

function deliveryView(row: DeliveryRow) {
  return {
    deliveryId: row.id,
    partnerId: row.partnerId,
    endpointId: row.endpointId,
    url: row.url,
    eventId: row.eventId,
    eventType: row.eventType,
    eventPosition: String(row.eventPosition),
    status: row.status,
    attempts: row.attempts,
    replays: row.replays,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    deadLetteredAt: row.deadLetteredAt?.toISOString() ?? null,
  };
}

/** Partner webhook deliveries: the dead-letter list (`status=dead`), every attempt, and replay. */
@Controller('v1/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get()
  @Roles(Role.Admin, Role.ComplianceOfficer)
  async list(@Query() query: WebhookDeliveryQueryDto) {
    const where = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.partnerId ? { partnerId: query.partnerId } : {}),
      ...(query.endpointId ? { endpointId: query.endpointId } : {}),
      ...(query.eventType ? { eventType: query.eventType } : {}),
      ...(query.from || query.to ? { createdAt: { ...(query.from ? { gte: new Date(query.from) } : {}), ...(query.to ? { lt: new Date(query.to) } : {}) } } : {}),
    };
    const [rows, total] = await pageWithTotal(
      this.prisma,
      this.prisma.webhookDelivery.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: query.limit ?? 50, skip: query.offset ?? 0 }),
      this.prisma.webhookDelivery.count({ where }),
    );
    return { total, deliveries: rows.map(deliveryView) };
  }

  @Get(':deliveryId')
  @Roles(Role.Admin, Role.ComplianceOfficer)
  async get(@Param('deliveryId', ParseIdPipe) deliveryId: string) {
    const row = await this.prisma.webhookDelivery.findUnique({ where: { id: deliveryId } });
    if (!row) throw new NotFoundException({ code: 'WEBHOOK_DELIVERY.NOT_FOUND', message: 'No such webhook delivery.' });
    const attempts = await this.prisma.webhookDeliveryAttempt.findMany({ where: { deliveryId }, orderBy: { attempt: 'asc' } });
    return {
      ...deliveryView(row),
      payload: row.payload,
      attemptLog: attempts.map((a) => ({
        attempt: a.attempt,
        startedAt: a.startedAt.toISOString(),
        durationMs: a.durationMs,
        statusCode: a.statusCode,
        error: a.error,
        succeeded: a.succeeded,
      })),
    };
  }

  /** Delivers a dead-lettered delivery again, as a new series of attempts; recorded as an event with the actor. */
  @Post(':deliveryId/replay')
  @HttpCode(202)
  @Roles(Role.Admin, Role.ComplianceOfficer)
  async replay(@Param('deliveryId', ParseIdPipe) deliveryId: string, @Body() body: ReplayWebhookDeliveryRequestDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new ReplayWebhookDeliveryCommand(deliveryId, body.reason, meta));
    return { deliveryId, status: 'replay_requested', position: String(result.position) };
  }
}
