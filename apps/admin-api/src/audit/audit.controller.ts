import { Controller, Get, Query } from '@nestjs/common';
import { IsOptional, Matches } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { EventStore, readAuditTrail, RecordedEvent } from '@app/event-store';
import { fieldError, ID_PATTERN, IsIsoTime, PageQueryDto } from '@app/http';

export class AuditQueryDto extends PageQueryDto {
  /** A token's subject: staff and partner users, `kyc-provider:<name>`, the worker's own actors. */
  @IsOptional() @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'actorId must be 1 to 200 printable ASCII characters' }) actorId?: string;
  @IsOptional() @Matches(ID_PATTERN, { message: 'partnerId must be 1 to 80 characters of letters, digits and _.:-' }) partnerId?: string;
  @IsOptional() @Matches(/^[A-Z][A-Za-z]{0,79}$/, { message: 'type must be an event type such as LicenseGranted' }) type?: string;
  @IsOptional() @Matches(/^[a-z][a-z-]{0,39}-[A-Za-z0-9][A-Za-z0-9_.:-]{0,159}$/, { message: 'streamId must be a stream id such as license-<id>' }) streamId?: string;
  @IsOptional() @IsIsoTime() from?: string;
  @IsOptional() @IsIsoTime() to?: string;
}

/** An instant the log's fixed-width occurredAt text can be compared with (years 0000 to 9999). */
function instantOf(field: 'from' | 'to', value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const instant = new Date(value);
  if (!/^\d{4}-/.test(instant.toISOString())) throw fieldError(field, 'must be between the years 0000 and 9999 in UTC');
  return instant;
}

function toAuditEntry(event: RecordedEvent) {
  const data = event.data as Record<string, unknown> | null;
  return {
    position: String(event.globalPosition),
    eventId: event.eventId,
    streamId: event.streamId,
    type: event.type,
    occurredAt: event.metadata.occurredAt,
    recordedAt: event.recordedAt.toISOString(),
    actorId: event.metadata.actorId,
    actorRole: event.metadata.actorRole,
    partnerId: typeof data?.partnerId === 'string' ? data.partnerId : null,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
    data: event.data,
  };
}

/**
 * The audit trail, read from the event store itself: who (actor id and role) did what (event type
 * and data), when (occurredAt), to whom (the partner, the stream). Newest first, paginated.
 */
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly store: EventStore) {}

  @Get()
  @Roles(Role.Auditor, Role.ComplianceOfficer, Role.Admin)
  async query(@Query() query: AuditQueryDto) {
    const from = instantOf('from', query.from);
    const to = instantOf('to', query.to);
    if (from && to && to.getTime() <= from.getTime()) throw fieldError('to', 'must be later than from');
    const { take, skip } = PageQueryDto.page(query);
    const page = await readAuditTrail(
      this.store.pool,
      { actorId: query.actorId, partnerId: query.partnerId, type: query.type, streamId: query.streamId, from, to },
      { limit: take, offset: skip },
    );
    return { events: page.events.map(toAuditEntry), limit: take, offset: skip, hasMore: page.hasMore };
  }
}
