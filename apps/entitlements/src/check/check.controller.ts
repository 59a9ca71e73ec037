import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Role, Roles } from '@app/auth';
import { parseCheckInput } from './check-request';
import { CheckService } from './check.service';

const MAX_BATCH = 100;

function invalidBatch(field: string, message: string): never {
  throw new BadRequestException({ code: 'VALIDATION_FAILED', message: `${field} ${message}`, fields: [{ field, messages: [message] }] });
}

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
    if (typeof body !== 'object' || body === null || Array.isArray(body)) invalidBatch('body', 'must be a JSON object');
    for (const key of Object.keys(body)) if (key !== 'checks') invalidBatch(key, 'is not a known field');
    const checks = (body as { checks?: unknown }).checks;
    if (!Array.isArray(checks) || checks.length === 0 || checks.length > MAX_BATCH) {
      invalidBatch('checks', `must be an array of 1 to ${MAX_BATCH} checks`);
    }
    const inputs = checks.map((item, i) => parseCheckInput(item, `checks.${i}.`));
    return { decisions: await Promise.all(inputs.map((input) => this.checks.check(input))) };
  }
}
