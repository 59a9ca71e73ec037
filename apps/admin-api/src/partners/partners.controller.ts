import { Controller, Get, Param } from '@nestjs/common';
import { Role, Roles } from '@app/auth';
import { EventStore } from '@app/event-store';
import { ParseIdPipe } from '@app/http';

/** A partner's timeline: every event of its stream, in order, with who did it. */
@Controller('v1/partners')
export class PartnersController {
  constructor(private readonly store: EventStore) {}

  @Get(':partnerId/timeline')
  @Roles(Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin)
  async timeline(@Param('partnerId', ParseIdPipe) partnerId: string) {
    const events = await this.store.readStream(`partner-${partnerId}`);
    return {
      partnerId,
      events: events.map((e) => ({
        position: String(e.globalPosition),
        type: e.type,
        occurredAt: e.metadata.occurredAt,
        actorId: e.metadata.actorId,
        actorRole: e.metadata.actorRole,
        data: e.data,
      })),
    };
  }
}
