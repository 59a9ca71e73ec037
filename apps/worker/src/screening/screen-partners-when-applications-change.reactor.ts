import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandMeta, RecordScreeningCommand } from '@app/commands';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PRISMA, PrismaClient } from '@app/database';
import type { PartnerApplication, RestrictedPartyListsImported, ScreeningEvidence, ScreeningSubject, UserEnrolled } from '@app/domain';
import { EventStore, RecordedEvent, Subscription } from '@app/event-store';
import { buildScreeningIndex, PartyEntityType, RestrictedPartyEntry, screen, ScreeningIndex } from '@app/screening';

const CHECKPOINT = 'screening-reactor';
const ACTOR = { id: 'screening-worker', role: 'service' as const, partnerId: null };

/** Who an event asks to be screened: the organisation and its owners, or an enrolled user. */
export function subjectsOf(event: RecordedEvent): { partnerId: string; subject: ScreeningSubject; entityType: PartyEntityType }[] {
  switch (event.type) {
    case 'ApplicationSubmitted':
    case 'ApplicationUpdated':
    case 'ApplicationResubmitted': {
      const application = event.data as PartnerApplication;
      const partnerId = application.partnerId;
      return [
        { partnerId, entityType: 'entity', subject: { kind: 'organisation', ref: partnerId, name: application.legalName, country: application.countryOfIncorporation } },
        ...application.beneficialOwners.map((owner, i) => ({
          partnerId,
          entityType: 'individual' as const,
          subject: { kind: 'beneficial_owner' as const, ref: `owner-${i}`, name: owner.name, country: owner.nationality },
        })),
      ];
    }
    case 'UserEnrolled': {
      const user = (event as RecordedEvent<'UserEnrolled', UserEnrolled['data']>).data;
      return [{ partnerId: user.partnerId, entityType: 'individual', subject: { kind: 'user', ref: user.userId, name: user.name, country: null } }];
    }
    default:
      return [];
  }
}

/**
 * Screens partners, their beneficial owners and their users against the active restricted-party
 * lists when they are submitted or edited, and records each result with its evidence. A reactor:
 * it follows the store from its own checkpoint, and a result's id derives from the event and the
 * subject, so reprocessing after a crash records nothing twice. Without an imported list it waits.
 */
@Injectable()
export class ScreenPartnersWhenApplicationsChange implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ScreeningReactor');
  private subscription: Subscription | null = null;
  private index: { version: string; index: ScreeningIndex } | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly commands: CommandBus,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const checkpoint = await this.prisma.projectionCheckpoint.findUnique({ where: { name: CHECKPOINT } });
    this.subscription = this.store.subscribe({
      fromPosition: Number(checkpoint?.position ?? 0),
      handler: (events) => this.handle(events),
      onError: (error) => this.logger.warn(`retrying: ${(error as Error).message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    return this.subscription ? this.subscription.waitForPosition(position, timeoutMs) : Promise.resolve(false);
  }

  private async handle(events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'RestrictedPartyListsImported') {
        await this.loadIndex((event.data as RestrictedPartyListsImported['data']).version);
        continue;
      }
      const subjects = subjectsOf(event);
      if (subjects.length === 0) continue;
      const lists = this.index ?? (await this.loadActiveIndex());
      if (!lists) throw new Error('no restricted-party list imported yet: screening waits for one');
      for (const { partnerId, subject, entityType } of subjects) await this.screenOne(event, partnerId, subject, entityType, lists);
    }
    const position = BigInt(events[events.length - 1].globalPosition);
    await this.prisma.projectionCheckpoint.upsert({ where: { name: CHECKPOINT }, create: { name: CHECKPOINT, position }, update: { position } });
  }

  private async screenOne(event: RecordedEvent, partnerId: string, subject: ScreeningSubject, entityType: PartyEntityType, lists: { version: string; index: ScreeningIndex }) {
    const thresholds = { reviewThreshold: this.config.screening.reviewThreshold, blockThreshold: this.config.screening.blockThreshold };
    const found = screen(lists.index, { name: subject.name, entityType }, thresholds, 10);
    const evidence: ScreeningEvidence = {
      query: subject.name,
      normalisedQuery: found.normalisedQuery,
      band: found.band,
      topScore: found.topScore,
      candidates: found.candidates.map((c) => ({ listId: c.listId, source: c.source, entryId: c.entryId, name: c.name, matchedName: c.matchedName, score: c.score })),
      listVersion: lists.version,
      thresholds,
    };
    const key = `screen:${event.eventId}:${subject.kind}:${subject.ref}`;
    const screeningId = `scr-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
    const meta: CommandMeta = { actor: ACTOR, correlationId: event.metadata.correlationId, causationId: event.eventId, idempotencyKey: key };
    await this.commands.execute(new RecordScreeningCommand(screeningId, partnerId, subject, evidence, `${event.type}@${event.globalPosition}`, meta));
  }

  private async loadActiveIndex(): Promise<{ version: string; index: ScreeningIndex } | null> {
    const active = await this.prisma.restrictedPartyListVersion.findFirst({ where: { active: true } });
    return active ? this.loadIndex(active.version) : null;
  }

  private async loadIndex(version: string): Promise<{ version: string; index: ScreeningIndex }> {
    if (this.index?.version === version) return this.index;
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
    this.index = { version, index: buildScreeningIndex(entries) };
    this.logger.log(`screening index for list ${version.slice(0, 12)}: ${entries.length} entries in ${Date.now() - started} ms`);
    return this.index;
  }
}
