import { Controller, Get, HttpException, Inject, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { Public } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';

/** What an app adds to its readiness (the entitlements app: its index and geo data). */
export type ReadinessCheck = (indicators: HealthIndicatorService) => HealthIndicatorResult | Promise<HealthIndicatorResult>;
export const APP_READINESS = Symbol('APP_READINESS');
/** The shared dependencies an app's readiness includes beyond PostgreSQL (see OperabilityModule.forRoot). */
export const READINESS_NEEDS = Symbol('READINESS_NEEDS');
export interface ReadinessNeeds {
  redis: boolean;
}

const CHECK_TIMEOUT_MS = 1000;

/**
 * Liveness (the process answers) and readiness (PostgreSQL answers, Redis too where the app needs it, and
 * whatever the app adds), through @nestjs/terminus: 200 with each dependency's state, or 503 naming the
 * ones that are down.
 */
@Controller('health')
export class HealthController implements OnModuleDestroy {
  private redis: Redis | null = null;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(READINESS_NEEDS) private readonly needs: ReadinessNeeds,
    private readonly modules: ModuleRef,
  ) {}

  /** The app's own checks, provided as APP_READINESS in the app's module (found across modules). */
  private appChecks(): ReadinessCheck[] {
    try {
      return this.modules.get<ReadinessCheck[]>(APP_READINESS, { strict: false });
    } catch {
      return [];
    }
  }

  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  async ready() {
    try {
      return await this.readiness();
    } catch (error) {
      // Terminus answers 503 with the failed checks under `error`; here they go under `down`, so that the
      // body keeps the one error shape of every other answer (`error` is the status text).
      if (!(error instanceof HttpException)) throw error;
      const result = error.getResponse() as { status?: string; info?: object; error?: Record<string, unknown>; details?: object };
      const down = Object.keys(result.error ?? {});
      throw new ServiceUnavailableException({ code: 'NOT_READY', message: `Not ready: ${down.join(', ') || 'unknown'}`, status: 'error', info: result.info, down: result.error, details: result.details });
    }
  }

  private readiness() {
    return this.health.check([
      () => this.indicators.check('database').attempt(async () => void (await this.pool.query('SELECT 1'))).withTimeout(CHECK_TIMEOUT_MS),
      ...(this.needs.redis ? [() => this.indicators.check('redis').attempt(() => this.pingRedis()).withTimeout(CHECK_TIMEOUT_MS)] : []),
      ...this.appChecks().map((check) => () => check(this.indicators)),
    ]);
  }

  private async pingRedis(): Promise<void> {
    // One connection for readiness only, opened on the first probe; offline commands fail at once.
    if (!this.redis) {
      this.redis = new Redis(this.config.redis.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: CHECK_TIMEOUT_MS });
      // Reported through the probe's answer; reconnecting is ioredis's job.
      this.redis.on('error', () => undefined);
    }
    if (this.redis.status === 'wait') await this.redis.connect();
    await this.redis.ping();
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}
