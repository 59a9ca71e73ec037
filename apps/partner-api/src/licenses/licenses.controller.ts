import { Controller, Get, Inject } from '@nestjs/common';
import { Actor, CurrentActor, Role, Roles } from '@app/auth';
import { PRISMA, PrismaClient } from '@app/database';

@Controller('v1/licenses')
export class LicensesController {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get()
  @Roles(Role.PartnerAdmin, Role.PartnerMember)
  async list(@CurrentActor() actor: Actor) {
    const rows = await this.prisma.licenseView.findMany({ where: { partnerId: actor.partnerId! }, orderBy: { grantedAt: 'asc' } });
    return {
      licenses: rows.map((r) => ({
        licenseId: r.id,
        modelId: r.modelId,
        status: r.status,
        validFrom: r.validFrom?.toISOString() ?? null,
        validUntil: r.validUntil?.toISOString() ?? null,
      })),
    };
  }
}
