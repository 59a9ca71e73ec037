import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { CommandMeta, RecordGovernmentApprovalCommand } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { ID_PATTERN, IsIsoTime, Meta, newEntityId, ParseIdPipe } from '@app/http';

export class GovernmentApprovalDto {
  /** Set when recording the answer to a partner's request. */
  @IsOptional() @Matches(ID_PATTERN) approvalId?: string;
  @Matches(ID_PATTERN) partnerId: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @Matches(ID_PATTERN, { each: true }) models: string[];
  @IsString() @Length(1, 200) authority: string;
  @IsString() @Length(1, 200) reference: string;
  @IsString() @Length(0, 5000) conditions: string;
  @IsIsoTime() validFrom: string;
  @IsOptional() @IsIsoTime() validUntil?: string | null;
}

export class AmendGovernmentApprovalDto extends GovernmentApprovalDto {
  @IsString() @Length(1, 2000) reason: string;
}

export class RevokeDto {
  @IsString() @Length(1, 2000) reason: string;
}

export class ApprovalListQueryDto {
  @IsOptional() @Matches(ID_PATTERN) partnerId?: string;
  @IsOptional() @Matches(/^(requested|granted|revoked|expired)$/) status?: string;
}

function toTerms(approvalId: string, dto: GovernmentApprovalDto) {
  return {
    approvalId,
    partnerId: dto.partnerId,
    models: dto.models,
    authority: dto.authority,
    reference: dto.reference,
    conditions: dto.conditions,
    validFrom: new Date(dto.validFrom).toISOString(),
    validUntil: dto.validUntil ? new Date(dto.validUntil).toISOString() : null,
  };
}

/** Approvals issued by a government authority (licence or letter), as recorded by compliance. */
@Controller('v1/government-approvals')
export class GovernmentApprovalsController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.ComplianceOfficer)
  async record(@Body() body: GovernmentApprovalDto, @Meta() meta: CommandMeta) {
    const approvalId = body.approvalId ?? newEntityId('gov', meta);
    const result = await this.commands.execute(new RecordGovernmentApprovalCommand('record', approvalId, toTerms(approvalId, body), '', meta));
    return { approvalId, status: 'granted', position: String(result.position) };
  }

  @Post(':approvalId/amend')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  async amend(@Param('approvalId', ParseIdPipe) approvalId: string, @Body() body: AmendGovernmentApprovalDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new RecordGovernmentApprovalCommand('amend', approvalId, toTerms(approvalId, body), body.reason, meta));
    return { approvalId, status: 'granted', position: String(result.position) };
  }

  @Post(':approvalId/revoke')
  @HttpCode(200)
  @Roles(Role.ComplianceOfficer)
  async revoke(@Param('approvalId', ParseIdPipe) approvalId: string, @Body() body: RevokeDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new RecordGovernmentApprovalCommand('revoke', approvalId, null, body.reason, meta));
    return { approvalId, status: 'revoked', position: String(result.position) };
  }

  @Get()
  @Roles(Role.ComplianceOfficer, Role.Reviewer, Role.Auditor, Role.Admin)
  async list(@Query() query: ApprovalListQueryDto) {
    const rows = await this.prisma.governmentApprovalView.findMany({
      where: { ...(query.partnerId ? { partnerId: query.partnerId } : {}), ...(query.status ? { status: query.status } : {}) },
      orderBy: { id: 'asc' },
    });
    return {
      governmentApprovals: rows.map(({ id, position, validFrom, validUntil, ...rest }) => ({
        approvalId: id,
        ...rest,
        validFrom: validFrom?.toISOString() ?? null,
        validUntil: validUntil?.toISOString() ?? null,
        position: String(position),
      })),
    };
  }
}
