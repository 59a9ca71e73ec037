import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IsString, Length } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { ChangePartnerStatusCommand, CommandMeta, PartnerStatusChange } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { EventStore } from '@app/event-store';
import { Meta, ParseIdPipe } from '@app/http';

export class PartnerStatusChangeDto {
  @IsString() @Length(1, 2000) reason: string;
}

/** Approved partners: their state, their timeline, and suspension, reinstatement, offboarding. */
@Controller('v1/partners')
export class PartnersController {
  constructor(private readonly commands: CommandBus, private readonly store: EventStore, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get(':partnerId')
  @Roles(Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin)
  async one(@Param('partnerId', ParseIdPipe) partnerId: string) {
    const [view, kyc, screenings, licenses, approvals, users] = await Promise.all([
      this.prisma.partnerView.findUnique({ where: { id: partnerId } }),
      this.prisma.kycCaseView.findMany({ where: { partnerId }, orderBy: { openedAt: 'asc' } }),
      this.prisma.screeningView.findMany({ where: { partnerId, latest: true }, orderBy: { screenedAt: 'asc' } }),
      this.prisma.licenseView.findMany({ where: { partnerId }, orderBy: { statusChangedAt: 'asc' } }),
      this.prisma.governmentApprovalView.findMany({ where: { partnerId } }),
      this.prisma.endUserView.findMany({ where: { partnerId } }),
    ]);
    if (!view) throw new NotFoundException({ code: 'PARTNER.NOT_FOUND', message: 'No such partner.' });
    return {
      partnerId,
      legalName: view.legalName,
      status: view.status,
      statusReason: view.statusReason,
      application: view.application,
      kycCases: kyc.map((k) => ({ caseId: k.id, subjectKind: k.subjectKind, userId: k.userId, status: k.status })),
      screenings: screenings.map((s) => ({ screeningId: s.id, subject: { kind: s.subjectKind, ref: s.subjectRef, name: s.subjectName }, band: s.band, status: s.status, topScore: s.topScore })),
      licenses: licenses.map((l) => ({ licenseId: l.id, modelId: l.modelId, status: l.status })),
      governmentApprovals: approvals.map((a) => ({ approvalId: a.id, models: a.models, status: a.status })),
      users: users.map((u) => ({ userId: u.userId, status: u.status })),
      position: String(view.position),
    };
  }

  /**
   * Every event about the partner, in global order, with who did it: its application and status,
   * KYC cases, screenings, licenses, government approvals, users and credentials.
   */
  @Get(':partnerId/timeline')
  @Roles(Role.Reviewer, Role.ComplianceOfficer, Role.Auditor, Role.Admin)
  async timeline(@Param('partnerId', ParseIdPipe) partnerId: string) {
    const events = await this.store.readPartnerEvents(partnerId);
    return {
      partnerId,
      events: events.map((e) => ({
        position: String(e.globalPosition),
        streamId: e.streamId,
        type: e.type,
        occurredAt: e.metadata.occurredAt,
        actorId: e.metadata.actorId,
        actorRole: e.metadata.actorRole,
        data: e.data,
      })),
    };
  }

  @Post(':partnerId/suspend')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  suspend(@Param('partnerId', ParseIdPipe) partnerId: string, @Body() body: PartnerStatusChangeDto, @Meta() meta: CommandMeta) {
    return this.change(partnerId, 'suspend', body.reason, 'suspended', meta);
  }

  @Post(':partnerId/reinstate')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  reinstate(@Param('partnerId', ParseIdPipe) partnerId: string, @Body() body: PartnerStatusChangeDto, @Meta() meta: CommandMeta) {
    return this.change(partnerId, 'reinstate', body.reason, 'approved', meta);
  }

  @Post(':partnerId/offboard')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  offboard(@Param('partnerId', ParseIdPipe) partnerId: string, @Body() body: PartnerStatusChangeDto, @Meta() meta: CommandMeta) {
    return this.change(partnerId, 'offboard', body.reason, 'offboarded', meta);
  }

  private async change(partnerId: string, change: PartnerStatusChange, reason: string, status: string, meta: CommandMeta) {
    const result = await this.commands.execute(new ChangePartnerStatusCommand(partnerId, change, reason, meta));
    return { partnerId, status, position: String(result.position) };
  }
}
