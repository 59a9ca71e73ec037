import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Role, Roles } from '@app/auth';
import { parseCheckInput } from './check-request';
import { CheckService } from './check.service';

const MAX_BATCH = 100;

/** The serving stack's question, with a `service` token: may this request be served? Always 200 for a decision. */
@Controller('v1/check')
export class CheckController {
  constructor(private readonly checks: CheckService) {}

  @Post()
  @HttpCode(200)
  @Roles(Role.Service)
  check(@Body() body: unknown) {
    return this.checks.check(parseCheckInput(body));
  }

  @Post('batch')
  @HttpCode(200)
  @Roles(Role.Service)
  async batch(@Body() body: unknown) {
    const checks = (body as { checks?: unknown } | null)?.checks;
    if (!Array.isArray(checks) || checks.length === 0 || checks.length > MAX_BATCH) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: `checks must be an array of 1 to ${MAX_BATCH} checks`,
        fields: [{ field: 'checks', messages: [`must be an array of 1 to ${MAX_BATCH} checks`] }],
      });
    }
    const inputs = checks.map((item, i) => parseCheckInput(item, `checks.${i}.`));
    return { decisions: await Promise.all(inputs.map((input) => this.checks.check(input))) };
  }
}
