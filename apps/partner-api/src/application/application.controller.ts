import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Post, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Actor, CurrentActor, Role, Roles } from '@app/auth';
import { CommandMeta, ReviseApplicationCommand, SubmitApplicationCommand } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { Meta } from '@app/http';
import { ResubmitApplicationRequestDto, SubmitApplicationRequestDto } from './submit-application.request.dto';

/** The partner's own application: the token's partnerId is the only partner it can touch. */
@Controller('v1/application')
export class ApplicationController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.PartnerAdmin)
  async submit(@Body() body: SubmitApplicationRequestDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new SubmitApplicationCommand({ partnerId: actor.partnerId!, ...body }, meta));
    return { partnerId: actor.partnerId, status: 'submitted', position: String(result.position) };
  }

  /** Edits the application while it waits for a decision. */
  @Put()
  @Roles(Role.PartnerAdmin)
  async update(@Body() body: SubmitApplicationRequestDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new ReviseApplicationCommand({ partnerId: actor.partnerId!, ...body }, null, meta));
    return { partnerId: actor.partnerId, position: String(result.position) };
  }

  /** Answers a reviewer's request for information. */
  @Post('resubmit')
  @HttpCode(200)
  @Roles(Role.PartnerAdmin)
  async resubmit(@Body() body: ResubmitApplicationRequestDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const { response, ...application } = body;
    const result = await this.commands.execute(new ReviseApplicationCommand({ partnerId: actor.partnerId!, ...application }, response, meta));
    return { partnerId: actor.partnerId, status: 'resubmitted', position: String(result.position) };
  }

  @Get()
  @Roles(Role.PartnerAdmin, Role.PartnerMember)
  async status(@CurrentActor() actor: Actor) {
    const view = await this.prisma.partnerView.findUnique({ where: { id: actor.partnerId! } });
    if (!view) throw new NotFoundException({ code: 'PARTNER.NOT_FOUND', message: 'No application yet (or not yet processed).' });
    return {
      partnerId: view.id,
      legalName: view.legalName,
      status: view.status,
      requestedModels: view.requestedModels,
      submittedAt: view.submittedAt.toISOString(),
      decidedAt: view.decidedAt?.toISOString() ?? null,
      informationRequest: view.informationRequest,
      statusReason: view.statusReason,
      position: String(view.position),
    };
  }
}
