import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Role, Roles } from '@app/auth';
import { ChangeModelStatusCommand, CommandMeta, RegisterModelCommand } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import { ID_PATTERN, Meta, ParseIdPipe } from '@app/http';

export class RegisterModelRequestDto {
  @Matches(ID_PATTERN, { message: 'modelId must be 1 to 80 characters of letters, digits and _.:-' }) modelId: string;
  @IsString() @Length(1, 100) provider: string;
  @IsString() @Length(1, 200) name: string;
  @IsString() @Length(1, 50) version: string;
  @Matches(ID_PATTERN, { message: 'family must be 1 to 80 characters of letters, digits and _.:-' }) family: string;
  /** An ECCN such as 4E091, or EAR99. */
  @Matches(/^(EAR99|[0-9][A-E][0-9]{3}[a-z0-9.]*)$/, { message: 'classification must be an ECCN such as 4E091, or EAR99' })
  classification: string;
  @IsBoolean() openWeights: boolean;
}

class ParseModelChangePipe {
  transform(value: string): 'suspend' | 'reinstate' | 'retire' {
    if (value === 'suspend' || value === 'reinstate' || value === 'retire') return value;
    throw new NotFoundException({ code: 'HTTP_404', message: `No model action ${String(value).slice(0, 40)}` });
  }
}

export class ModelStatusChangeDto {
  @IsString() @Length(1, 2000) reason: string;
  /** The directive that caused a suspension, if any. */
  @IsOptional() @Matches(ID_PATTERN) directiveId?: string;
}

@Controller('v1/models')
export class ModelsController {
  constructor(private readonly commands: CommandBus, @Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.Admin)
  async register(@Body() body: RegisterModelRequestDto, @Meta() meta: CommandMeta) {
    const result = await this.commands.execute(new RegisterModelCommand({ ...body }, meta));
    return { modelId: body.modelId, status: 'available', position: String(result.position) };
  }

  /** The global kill switch: suspend a model for everyone (reinstate, or retire it for good). */
  @Post(':modelId/:change')
  @HttpCode(200)
  @Roles(Role.Admin, Role.ComplianceOfficer)
  async changeStatus(
    @Param('modelId', ParseIdPipe) modelId: string,
    @Param('change', ParseModelChangePipe) change: 'suspend' | 'reinstate' | 'retire',
    @Body() body: ModelStatusChangeDto,
    @Meta() meta: CommandMeta,
  ) {
    const result = await this.commands.execute(new ChangeModelStatusCommand(modelId, change, body.reason, body.directiveId ?? null, meta));
    const status = { suspend: 'suspended', reinstate: 'available', retire: 'retired' }[change];
    return { modelId, status, position: String(result.position) };
  }

  @Get()
  @Roles(Role.Admin, Role.Reviewer, Role.ComplianceOfficer, Role.Auditor)
  async list() {
    const rows = await this.prisma.modelView.findMany({ orderBy: { id: 'asc' } });
    return {
      models: rows.map(({ id, position, registeredAt, ...rest }) => ({
        modelId: id,
        ...rest,
        registeredAt: registeredAt.toISOString(),
        position: String(position),
      })),
    };
  }
}

