import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { CommandsModule } from '@app/commands';
import { AppConfig, ConfigModule, loadConfig, ManualClock } from '@app/config';
import { DatabaseModule } from '@app/database';
import { runMain } from '@app/http';
import { seedJune2026, SeedReport } from './demo/june-2026';

@Module({})
class SeedModule {}

/** Seeds the demo world through the same command handlers the APIs use. */
export async function seedDemo(config: AppConfig, log: (line: string) => void = console.log): Promise<SeedReport> {
  const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
  const context = await NestFactory.createApplicationContext(
    { module: SeedModule, imports: [ConfigModule.forRoot(config, clock), DatabaseModule, CommandsModule] },
    { logger: ['error', 'warn'] },
  );
  try {
    return await seedJune2026(context.get(CommandBus), clock, log);
  } finally {
    await context.close();
  }
}

export function printCredentials(report: SeedReport, log: (line: string) => void = console.log): void {
  if (report.credentials.length === 0) {
    log('demo credentials were issued on an earlier run (they are shown only once); issue new ones with POST /v1/credentials');
    return;
  }
  log('demo API credentials (shown once, store them now):');
  for (const { partnerId, credential } of report.credentials) log(`  ${partnerId}: ${credential}`);
}

if (require.main === module) {
  runMain('db:seed', async () => {
    const report = await seedDemo(loadConfig());
    printCredentials(report);
  });
}
