import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, PrismaClient } from '@app/database';
import { ApprovalFacts, ModelStatus, UNCONTROLLED_CLASSIFICATION } from '@app/domain';

/**
 * Facts other streams hold that a decision needs, read from the read models. They trail the
 * store by milliseconds; the decisions that use them are human review steps, not the hot path.
 */
@Injectable()
export class PartnerFacts {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async approvalFacts(partnerId: string): Promise<ApprovalFacts> {
    const [kyc, organisationScreenings, unresolvedScreenings] = await Promise.all([
      this.prisma.kycCaseView.findFirst({ where: { partnerId, subjectKind: 'organisation' }, orderBy: { openedAt: 'desc' } }),
      this.prisma.screeningView.count({ where: { partnerId, subjectKind: 'organisation' } }),
      this.prisma.screeningView.count({ where: { partnerId, latest: true, status: { in: ['needs_review', 'blocked', 'confirmed'] } } }),
    ]);
    const organisationKyc = (kyc?.status === 'started' ? 'pending' : (kyc?.status ?? 'missing')) as ApprovalFacts['organisationKyc'];
    return { organisationKyc, organisationScreened: organisationScreenings > 0, unresolvedScreenings };
  }
}

/** What a grant needs to know of its model, whether it names one model or a whole family. */
@Injectable()
export class ModelFacts {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async forFamily(family: string): Promise<{ modelStatus: ModelStatus; classification: string | null }> {
    const members = await this.prisma.modelView.findMany({ where: { family } });
    if (members.length === 0) return { modelStatus: 'unregistered', classification: null };
    const live = members.filter((m) => m.status !== 'retired');
    const controlled = members.find((m) => m.classification !== UNCONTROLLED_CLASSIFICATION);
    return {
      modelStatus: live.length > 0 ? 'available' : 'retired',
      // One controlled member makes a family grant need four eyes.
      classification: controlled ? controlled.classification : UNCONTROLLED_CLASSIFICATION,
    };
  }
}
