import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandMeta, RecordScreeningCommand, SuspendPartnerOnScreeningHitCommand } from '@app/commands';
import { PRISMA, PrismaClient } from '@app/database';
import type { PartnerApplication, ScreeningEvidence } from '@app/domain';
import { EventStore, RecordedEvent } from '@app/event-store';
import type { JobPayload } from '@app/jobs';
import { RestrictedPartyIndex } from './restricted-party-index.service';
import { rescreenOutcome } from './rescreen-outcome';
import { SubjectToScreen, subjectOfUser, subjectsOf, subjectsOfApplication } from './subjects-of-event';

const ACTOR = { id: 'screening-worker', role: 'service' as const, partnerId: null };
/** Partners whose owners and organisation a new list is checked against: all but those who never got or no longer have a relationship. */
const RESCREENED_PARTNERS = { notIn: ['rejected', 'offboarded'] };
/** A hit on these takes the partner's access away; a user's hit denies that user at the check. */
const SUSPENDS_PARTNER = new Set(['organisation', 'beneficial_owner']);

/** A screening's id derives from what caused it and whom it screened, so a retried job records nothing twice. */
export function screeningIdFor(key: string): string {
  return `scr-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/**
 * Screens partners, their beneficial owners and their users against the restricted-party lists:
 * the subjects an event names, and everyone again when a new list version is imported.
 */
@Injectable()
export class ScreeningProcessor {
  private readonly logger = new Logger('ScreeningProcessor');

  constructor(
    private readonly store: EventStore,
    private readonly commands: CommandBus,
    private readonly lists: RestrictedPartyIndex,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
  ) {}

  /** Without an imported list there is nothing to screen against yet; the import's re-screening covers these subjects. */
  async screenSubjectsOf({ eventId, globalPosition }: JobPayload<'screening', 'screening.subjects'>): Promise<{ screened: number }> {
    const [event] = await this.store.readAll(globalPosition - 1, 1);
    if (!event || event.eventId !== eventId) throw new Error(`event ${eventId} is not at position ${globalPosition}`);
    const lists = await this.lists.active();
    if (!lists) return { screened: 0 };
    const subjects = subjectsOf(event);
    for (const subject of subjects) {
      const key = `screen:${event.eventId}:${subject.subject.kind}:${subject.subject.ref}`;
      await this.record(subject, this.lists.evidenceFor(lists, subject.subject.name, subject.entityType), key, `${event.type}@${event.globalPosition}`, causedBy(event));
    }
    return { screened: subjects.length };
  }

  /** A version that is no longer the active one is skipped: the import that replaced it has a re-screening of its own. */
  async rescreenEveryone({ listVersion, eventId }: JobPayload<'screening', 'screening.rescreen-all'>): Promise<{ screened: number; newHits: number; suspended: number }> {
    const active = await this.prisma.restrictedPartyListVersion.findFirst({ where: { active: true } });
    if (active?.version !== listVersion) return { screened: 0, newHits: 0, suspended: 0 };
    const lists = await this.lists.ofVersion(listVersion);
    const meta = { correlationId: eventId, causationId: eventId };
    let screened = 0;
    let newHits = 0;
    let suspended = 0;
    for (const { subject, partnerStatus } of await this.everyoneToScreen()) {
      const evidence = this.lists.evidenceFor(lists, subject.subject.name, subject.entityType);
      const latest = await this.prisma.screeningView.findFirst({
        where: { partnerId: subject.partnerId, subjectKind: subject.subject.kind, subjectRef: subject.subject.ref, latest: true },
      });
      const outcome = rescreenOutcome(latest && { status: latest.status, evidence: latest.evidence as unknown as ScreeningEvidence }, evidence);
      screened++;
      if (outcome === 'unchanged') continue;
      const key = `rescreen:${listVersion}:${subject.partnerId}:${subject.subject.kind}:${subject.subject.ref}`;
      const screeningId = await this.record(subject, evidence, key, `RestrictedPartyListsImported:${listVersion.slice(0, 12)}`, meta);
      if (evidence.band === 'clear') continue;
      newHits++;
      if (partnerStatus !== 'approved' || !SUSPENDS_PARTNER.has(subject.subject.kind)) continue;
      const reason = `New restricted-party ${evidence.band === 'block' ? 'match' : 'possible match'} for ${subject.subject.kind.replace('_', ' ')} "${subject.subject.name}" in list ${listVersion.slice(0, 12)}: access suspended until the hit is reviewed.`;
      const result = await this.commands.execute(
        new SuspendPartnerOnScreeningHitCommand(subject.partnerId, screeningId, reason, { actor: ACTOR, ...meta, idempotencyKey: `${key}:suspend` }),
      );
      if (result.suspended) suspended++;
    }
    this.logger.log(`re-screened ${screened} subjects against list ${listVersion.slice(0, 12)}: ${newHits} new hit(s), ${suspended} partner(s) suspended`);
    return { screened, newHits, suspended };
  }

  private async everyoneToScreen(): Promise<{ subject: SubjectToScreen; partnerStatus: string }[]> {
    const partners = await this.prisma.partnerView.findMany({ where: { status: RESCREENED_PARTNERS }, orderBy: { id: 'asc' } });
    const statusOf = new Map(partners.map((p) => [p.id, p.status]));
    const users = await this.prisma.endUserView.findMany({ where: { status: 'enrolled', partnerId: { in: partners.map((p) => p.id) } }, orderBy: [{ partnerId: 'asc' }, { userId: 'asc' }] });
    return [
      ...partners.flatMap((p) => subjectsOfApplication(p.application as unknown as PartnerApplication).map((subject) => ({ subject, partnerStatus: p.status }))),
      ...users.map((u) => ({ subject: subjectOfUser(u), partnerStatus: statusOf.get(u.partnerId)! })),
    ];
  }

  private async record(
    { partnerId, subject }: SubjectToScreen,
    evidence: ScreeningEvidence,
    key: string,
    trigger: string,
    cause: { correlationId: string; causationId: string },
  ): Promise<string> {
    const screeningId = screeningIdFor(key);
    const meta: CommandMeta = { actor: ACTOR, ...cause, idempotencyKey: key };
    await this.commands.execute(new RecordScreeningCommand(screeningId, partnerId, subject, evidence, trigger, meta));
    return screeningId;
  }
}

function causedBy(event: RecordedEvent): { correlationId: string; causationId: string } {
  return { correlationId: event.metadata.correlationId, causationId: event.eventId };
}

