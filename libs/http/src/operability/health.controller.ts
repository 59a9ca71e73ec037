import { Controller, Get, Inject, OnModuleDestroy, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { Public } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';

/** What an app adds to its readiness (the entitlements app: its index and geo data). */
export type ReadinessCheck = (indicators: HealthIndicatorService) => HealthIndicatorResult | Promise<HealthIndicatorResult>;
export const APP_READINESS = Symbol('APP_READINESS');

const CHECK_TIMEOUT_MS = 1000;

/**
 * Liveness (the process answers) and readiness (PostgreSQL and Redis answer, and whatever the app adds),
 * through @nestjs/terminus: 200 with each dependency's state, or 503 naming the ones that are down.
 */
@Controller('health')
export class HealthController implements OnModuleDestroy {
  private redis: Redis | null = null;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(APP_READINESS) private readonly appChecks: ReadinessCheck[] | null,
  ) {}

  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.indicators.check('database').attempt(async () => void (await this.pool.query('SELECT 1'))).withTimeout(CHECK_TIMEOUT_MS),
      () => this.indicators.check('redis').attempt(() => this.pingRedis()).withTimeout(CHECK_TIMEOUT_MS),
      ...(this.appChecks ?? []).map((check) => () => check(this.indicators)),
    ]);
  }

  private async pingRedis(): Promise<void> {
    // One connection for readiness only, opened on the first probe; offline commands fail at once.
    this.redis ??= new Redis(this.config.redis.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: CHECK_TIMEOUT_MS });
    this.redis.on('error', () => undefined);
    if (this.redis.status === 'wait') await this.redis.connect();
    await this.redis.ping();
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}
