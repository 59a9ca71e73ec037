import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { Public } from '@app/auth';
import { PG_POOL } from '@app/database';
import type { Pool } from 'pg';

/** Liveness (the process answers) and readiness (its database answers). */
@Controller('health')
export class HealthController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  async ready() {
    try {
      await this.pool.query('SELECT 1');
      return { status: 'ok', database: 'up' };
    } catch {
      throw new ServiceUnavailableException({ code: 'NOT_READY', message: 'Database unreachable', database: 'down' });
    }
  }
}
