import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length, Matches } from 'class-validator';
import { Actor, CurrentActor, Role, Roles } from '@app/auth';
import { CommandMeta, RequestGovernmentApprovalCommand, RequestLicenseCommand } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { ID_PATTERN, Meta, newEntityId } from '@app/http';

export class LicenseRequestDto {
  @Matches(ID_PATTERN, { message: 'modelId must be 1 to 80 characters of letters, digits and _.:-' }) modelId: string;
  @IsString() @Length(1, 5000) justification: string;
}

export class GovernmentApprovalRequestDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @Matches(ID_PATTERN, { each: true }) models: string[];
  @IsString() @Length(1, 200) authority: string;
  @IsString() @Length(1, 5000) justification: string;
}

/** What a partner asks compliance for: licenses, and the record of its government approvals. */
@Controller('v1')
export class RequestsController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Post('license-requests')
  @HttpCode(201)
  @Roles(Role.PartnerAdmin)
  async requestLicense(@Body() body: LicenseRequestDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const licenseId = newEntityId('lic', meta);
    const result = await this.commands.execute(new RequestLicenseCommand({ licenseId, partnerId: actor.partnerId!, modelId: body.modelId, justification: body.justification }, meta));
    return { licenseId, status: 'requested', position: String(result.position) };
  }

  @Post('government-approval-requests')
  @HttpCode(201)
  @Roles(Role.PartnerAdmin)
  async requestApproval(@Body() body: GovernmentApprovalRequestDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const approvalId = newEntityId('gov', meta);
    const result = await this.commands.execute(new RequestGovernmentApprovalCommand({ approvalId, partnerId: actor.partnerId!, ...body }, meta));
    return { approvalId, status: 'requested', position: String(result.position) };
  }

  @Get('government-approvals')
  @Roles(Role.PartnerAdmin, Role.PartnerMember)
  async approvals(@CurrentActor() actor: Actor) {
    const rows = await this.prisma.governmentApprovalView.findMany({ where: { partnerId: actor.partnerId! }, orderBy: { id: 'asc' } });
    return {
      governmentApprovals: rows.map((r) => ({
        approvalId: r.id, models: r.models, authority: r.authority, reference: r.reference, status: r.status,
        validFrom: r.validFrom?.toISOString() ?? null, validUntil: r.validUntil?.toISOString() ?? null,
      })),
    };
  }
}
