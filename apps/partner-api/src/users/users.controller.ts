import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IsEmail, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Actor, CurrentActor, Role, Roles } from '@app/auth';
import { CommandMeta, EnrolUserCommand, RemoveUserCommand } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { ID_PATTERN, Meta, ParseIdPipe } from '@app/http';

export class EnrolUserDto {
  /** The partner's own id for the user (what it sends as userId / X-End-User). */
  @Matches(ID_PATTERN, { message: 'userId must be 1 to 80 characters of letters, digits and _.:-' }) userId: string;
  @IsString() @Length(1, 200) name: string;
  @IsOptional() @IsEmail() email?: string;
}

export class RemoveUserDto {
  @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

/** The partner's end users: enrolled here, verified through KYC, named on every check. */
@Controller('v1/users')
export class UsersController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.PartnerAdmin)
  async enrol(@Body() body: EnrolUserDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new EnrolUserCommand({ partnerId: actor.partnerId!, userId: body.userId, name: body.name, email: body.email ?? null }, meta));
    return { userId: body.userId, status: 'enrolled', position: String(result.position) };
  }

  @Delete(':userId')
  @HttpCode(200)
  @Roles(Role.PartnerAdmin)
  async remove(@Param('userId', ParseIdPipe) userId: string, @Body() body: RemoveUserDto, @CurrentActor() actor: Actor, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new RemoveUserCommand(actor.partnerId!, userId, body?.reason ?? 'removed by partner', meta));
    return { userId, status: 'removed', position: String(result.position) };
  }

  @Get()
  @Roles(Role.PartnerAdmin, Role.PartnerMember)
  async list(@CurrentActor() actor: Actor) {
    const rows = await this.prisma.endUserView.findMany({ where: { partnerId: actor.partnerId! }, orderBy: { enrolledAt: 'asc' } });
    return { users: rows.map((r) => ({ userId: r.userId, name: r.name, email: r.email, status: r.status, enrolledAt: r.enrolledAt.toISOString() })) };
  }
}
