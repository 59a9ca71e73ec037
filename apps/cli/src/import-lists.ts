import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { CommandsModule, ImportRestrictedPartyListsCommand, listFilesIn } from '@app/commands';
import { ConfigModule, loadConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { runMain } from '@app/http';

@Module({})
class ImportModule {}

/**
 * `npm run lists:import -- [--dir <directory>]`: imports fresh restricted-party list files (OFAC SDN
 * with alt/add, BIS DPL, the Consolidated Screening List) with progress, and makes them the active
 * version; the worker re-indexes when it sees the import.
 */
runMain('lists:import', async () => {
  const args = process.argv.slice(2);
  const dirFlag = args.indexOf('--dir');
  const config = loadConfig();
  const directory = dirFlag >= 0 ? args[dirFlag + 1] : config.screening.listsDirectory;
  if (!directory) throw new Error('usage: npm run lists:import -- [--dir <directory>]');
  const context = await NestFactory.createApplicationContext(
    { module: ImportModule, imports: [ConfigModule.forRoot(config), DatabaseModule, CommandsModule] },
    { logger: ['error', 'warn'] },
  );
  try {
    const files = listFilesIn(directory);
    console.log(`importing from ${directory}: ${Object.values(files).join(', ')}`);
    const started = Date.now();
    const outcome = await context.get(CommandBus).execute(
      new ImportRestrictedPartyListsCommand(files, { actor: { id: 'cli', role: 'admin', partnerId: null }, correlationId: `lists-import-${started}`, causationId: null, idempotencyKey: null }, (line) => console.log(`  ${line}`)),
    );
    console.log(`${outcome.alreadyImported ? 'already imported' : 'imported'}: version ${outcome.version} (${outcome.entryCount} entries) in ${Date.now() - started} ms`);
  } finally {
    await context.close();
  }
});
