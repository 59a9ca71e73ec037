import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PRISMA, PrismaClient } from '@app/database';
import type { ScreeningEvidence } from '@app/domain';
import { buildScreeningIndex, PartyEntityType, RestrictedPartyEntry, screen, ScreeningIndex } from '@app/screening';

export interface LoadedLists {
  version: string;
  index: ScreeningIndex;
}

/** The matching index of one imported list version, built once per process and kept while it is the one in use. */
@Injectable()
export class RestrictedPartyIndex {
  private readonly logger = new Logger('RestrictedPartyIndex');
  private loaded: Promise<LoadedLists> | null = null;
  private loadedVersion: string | null = null;

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The active version's index, or null while no list has been imported. */
  async active(): Promise<LoadedLists | null> {
    const active = await this.prisma.restrictedPartyListVersion.findFirst({ where: { active: true } });
    return active ? this.ofVersion(active.version) : null;
  }

  ofVersion(version: string): Promise<LoadedLists> {
    if (this.loadedVersion !== version || !this.loaded) {
      this.loadedVersion = version;
      this.loaded = this.build(version).catch((error) => {
        this.loaded = null;
        throw error;
      });
    }
    return this.loaded;
  }

  /** Screens one name and returns the evidence a ScreeningRecorded keeps. */
  evidenceFor(lists: LoadedLists, name: string, entityType: PartyEntityType): ScreeningEvidence {
    const thresholds = { reviewThreshold: this.config.screening.reviewThreshold, blockThreshold: this.config.screening.blockThreshold };
    const found = screen(lists.index, { name, entityType }, thresholds, 10);
    return {
      query: name,
      normalisedQuery: found.normalisedQuery,
      band: found.band,
      topScore: found.topScore,
      candidates: found.candidates.map((c) => ({ listId: c.listId, source: c.source, entryId: c.entryId, name: c.name, matchedName: c.matchedName, score: c.score })),
      listVersion: lists.version,
      thresholds,
    };
  }

  private async build(version: string): Promise<LoadedLists> {
    const started = Date.now();
    const rows = await this.prisma.restrictedPartyEntry.findMany({ where: { version } });
    const entries: RestrictedPartyEntry[] = rows.map((r) => ({
      listId: r.listId as RestrictedPartyEntry['listId'],
      source: r.source,
      entryId: r.entryId,
      name: r.name,
      aliases: r.aliases as unknown as RestrictedPartyEntry['aliases'],
      entityType: r.entityType as PartyEntityType,
      programs: r.programs,
      addresses: r.addresses as unknown as RestrictedPartyEntry['addresses'],
      countries: r.countries,
      remarks: r.remarks ?? '',
    }));
    this.logger.log(`screening index for list ${version.slice(0, 12)}: ${entries.length} entries in ${Date.now() - started} ms`);
    return { version, index: buildScreeningIndex(entries) };
  }
}
