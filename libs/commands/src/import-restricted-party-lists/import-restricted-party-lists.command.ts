import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@app/config';
import { PRISMA, Prisma, PrismaClient } from '@app/database';
import { DomainError, RESTRICTED_PARTY_LISTS_ID, RestrictedPartyLists } from '@app/domain';
import { loadRestrictedPartyLists, RestrictedPartyListFiles, RestrictedPartyListProgress } from '@app/screening';
import { AggregateRepository } from '../shared/aggregate-repository';
import type { CommandMeta, CommandResult } from '../shared/command-meta';

/** The file names of each list inside an import directory (the formats of ../shared/data/README.md). */
const FILE_NAMES: Record<keyof RestrictedPartyListFiles, string[]> = {
  ofacSdn: ['ofac-sdn.csv', 'sdn.csv'],
  ofacAlt: ['ofac-alt.csv', 'alt.csv'],
  ofacAdd: ['ofac-add.csv', 'add.csv'],
  bisDpl: ['bis-dpl.txt', 'dpl.txt'],
  csl: ['csl.csv', 'csl-sample.csv', 'consolidated.csv'],
};

export function listFilesIn(directory: string, only?: (keyof RestrictedPartyListFiles)[]): RestrictedPartyListFiles {
  const files: RestrictedPartyListFiles = {};
  for (const [role, names] of Object.entries(FILE_NAMES) as [keyof RestrictedPartyListFiles, string[]][]) {
    if (only && !only.includes(role)) continue;
    const found = names.map((name) => join(directory, name)).find((path) => existsSync(path));
    if (found) files[role] = found;
  }
  if (Object.keys(files).length === 0) {
    throw new DomainError('SCREENING.NO_LIST_FILES', `No restricted-party list files found in ${directory}.`, 'invalid', { field: 'directory' });
  }
  return files;
}

export interface ImportOutcome extends CommandResult {
  version: string;
  entryCount: number;
  alreadyImported: boolean;
}

/** Imports list files, stores their entries under a version (hash of the files), makes it the active one. */
export class ImportRestrictedPartyListsCommand extends Command<ImportOutcome> {
  constructor(
    readonly files: RestrictedPartyListFiles,
    readonly meta: CommandMeta,
    readonly onProgress: (line: string) => void = () => undefined,
  ) {
    super();
  }
}

const CHUNK = 2000;

@CommandHandler(ImportRestrictedPartyListsCommand)
export class ImportRestrictedPartyListsHandler implements ICommandHandler<ImportRestrictedPartyListsCommand> {
  constructor(
    private readonly aggregates: AggregateRepository,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ files, meta, onProgress }: ImportRestrictedPartyListsCommand): Promise<ImportOutcome> {
    const loadedAt = this.clock.now();
    const { entries, version } = await loadRestrictedPartyLists(files, {
      loadedAt,
      onProgress: (p: RestrictedPartyListProgress) => onProgress(`parsed ${p.role}: ${p.entries} entries from ${p.records} records${p.skipped.length ? `, ${p.skipped.length} skipped` : ''}`),
    });
    const known = await this.prisma.restrictedPartyListVersion.findUnique({ where: { version: version.hash } });
    if (!known) {
      await this.prisma.$transaction(
        async (tx) => {
          for (let i = 0; i < entries.length; i += CHUNK) {
            await tx.restrictedPartyEntry.createMany({
              data: entries.slice(i, i + CHUNK).map((e) => ({
                version: version.hash,
                listId: e.listId,
                source: e.source,
                entryId: e.entryId,
                name: e.name,
                entityType: e.entityType,
                aliases: e.aliases as unknown as Prisma.InputJsonValue,
                programs: e.programs,
                countries: e.countries,
                addresses: e.addresses as unknown as Prisma.InputJsonValue,
                remarks: e.remarks || null,
              })),
            });
            onProgress(`stored ${Math.min(i + CHUNK, entries.length)}/${entries.length} entries`);
          }
          await tx.restrictedPartyListVersion.create({
            data: {
              version: version.hash,
              importedAt: loadedAt,
              importedBy: meta.actor.id,
              files: version.files as unknown as Prisma.InputJsonValue,
              entryCount: entries.length,
            },
          });
        },
        // An import is rare and long: it may wait for a connection behind a busy pool rather than fail.
        { maxWait: 30_000, timeout: 120_000 },
      );
    }
    await this.prisma.$transaction([
      this.prisma.restrictedPartyListVersion.updateMany({ where: { active: true, NOT: { version: version.hash } }, data: { active: false } }),
      this.prisma.restrictedPartyListVersion.update({ where: { version: version.hash }, data: { active: true } }),
    ]);
    const result = await this.aggregates.execute(
      RestrictedPartyLists,
      RESTRICTED_PARTY_LISTS_ID,
      {
        type: 'ActivateListVersion',
        data: { version: version.hash, loadedAt: version.loadedAt, entryCount: entries.length, files: version.files.map((f) => ({ name: f.name, sha256: f.sha256, entries: f.entries })) },
      },
      meta,
    );
    onProgress(`list version ${version.hash.slice(0, 12)} active (${entries.length} entries)`);
    return { ...result, version: version.hash, entryCount: entries.length, alreadyImported: Boolean(known) };
  }
}
