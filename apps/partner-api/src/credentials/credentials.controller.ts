import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IsOptional, IsString, Length } from 'class-validator';
import { Actor, CurrentActor, Role, Roles } from '@app/auth';
import { CommandMeta, IssueCredentialCommand, RevokeCredentialCommand } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { Meta, newEntityId, ParseIdPipe } from '@app/http';

export class IssueCredentialRequestDto {
  @IsOptional() @IsString() @Length(1, 100) label?: string;
}

export class RevokeCredentialRequestDto {
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

/** API credentials for the partner's machines: issued once, shown once, stored as a hash, revocable. */
@Controller('v1/credentials')
export class CredentialsController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.PartnerAdmin)
  async issue(@Body() body: IssueCredentialRequestDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const credentialId = newEntityId('cred', meta);
    const issued = await this.commands.execute(new IssueCredentialCommand(actor.partnerId!, credentialId, body.label ?? 'default', meta));
    return {
      credentialId: issued.credentialId,
      credential: issued.secret,
      prefix: issued.prefix,
      note: issued.secret ? 'Store this credential now: it is shown only once.' : 'Already issued: the credential was shown in the first answer only.',
      position: String(issued.position),
    };
  }

  @Get()
  @Roles(Role.PartnerAdmin, Role.PartnerMember)
  async list(@CurrentActor() actor: Actor) {
    const rows = await this.prisma.credentialView.findMany({ where: { partnerId: actor.partnerId! }, orderBy: { issuedAt: 'asc' } });
    return {
      credentials: rows.map((r) => ({
        credentialId: r.id,
        prefix: r.prefix,
        label: r.label,
        status: r.status,
        issuedAt: r.issuedAt.toISOString(),
        revokedAt: r.revokedAt?.toISOString() ?? null,
      })),
    };
  }

  @Delete(':credentialId')
  @HttpCode(200)
  @Roles(Role.PartnerAdmin)
  async revoke(
    @Param('credentialId', ParseIdPipe) credentialId: string,
    @Body() body: RevokeCredentialRequestDto,
    @CurrentActor() actor: Actor,
    @Meta() meta: CommandMeta,
  ) {
    const result = await this.commands.execute(new RevokeCredentialCommand(actor.partnerId!, credentialId, body?.reason ?? 'revoked by partner', meta));
    return { credentialId, status: 'revoked', position: String(result.position) };
  }
}
