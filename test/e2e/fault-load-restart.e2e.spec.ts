import { Role } from '@app/auth';
import { EventStore, verifyAuditChains } from '@app/event-store';
import { listen } from '@app/http';
import { createEntitlementsApp } from '../../apps/entitlements/src/main';
import { createWorker } from '../../apps/worker/src/main';
import { rebuildProjections } from '../../apps/cli/src/rebuild-projections';
import { EntitledPartner, onboardEntitledPartner } from '../support/entitled-partner';
import { dumpReadModels, waitForCheckpoints } from '../support/read-models';
import { eventually, startTestSystem, TestSystem } from '../support/test-system';

/** Seconds of load; `npm run test:soak` runs it for three minutes. */
const SECONDS = Number(process.env.FAULT_LOAD_SECONDS ?? 24);

interface CheckAnswer {
  sentAt: number;
  partnerId: string;
  allow: boolean;
  reasons: string[];
  licenseId: string | null;
  position: bigint;
  decisionId: string;
}

/**
 * Fault 6: a steady stream of commands (licenses granted and revoked, users enrolled) and of checks, with the
 * entitlements app and then the worker restarted in the middle. Afterwards the log is whole (chains and
 * counts), every acknowledged command is in it, the read models equal a rebuild from scratch, every answered
 * check is in the decision log, and no check allowed a license at or after the position that revoked it.
 */
describe('fault: steady load with apps restarted in the middle', () => {
  let system: TestSystem;
  const partners: EntitledPartner[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ env: { EVENT_STORE_POLL_INTERVAL_MS: '100' } });
    partners.push(await onboardEntitledPartner(system, { partnerId: 'p-load-0', models: ['open-1'], licensed: ['open-1'] }));
    for (const i of [1, 2]) partners.push(await onboardEntitledPartner(system, { partnerId: `p-load-${i}`, models: [], licensed: ['open-1'] }));
  }, 120_000);
  afterAll(() => system.close());

  /** Closes one app and starts a new instance of it on the same port. */
  async function restart(index: 2 | 3, create: typeof createEntitlementsApp | typeof createWorker, baseUrl: string): Promise<void> {
    await system.apps[index].close();
    const fresh = await create(system.config);
    await listen(fresh, Number(new URL(baseUrl).port), '127.0.0.1');
    system.apps[index] = fresh;
  }

  it('keeps every promise across the restarts', async () => {
    const service = system.token(Role.Service);
    const officer = system.token(Role.ComplianceOfficer, { sub: 'load-officer' });
    const answers: CheckAnswer[] = [];
    let unreachable = 0;
    const acknowledged: bigint[] = [];
    const revokedAt = new Map<string, bigint>();
    const active = new Map(partners.map((p) => [p.partnerId, p.licenses['open-1']]));
    const deadline = Date.now() + SECONDS * 1000;
    const running = () => Date.now() < deadline;

    const checker = async (worker: number) => {
      for (let i = worker; running(); i++) {
        const partner = partners[i % partners.length];
        const sentAt = Date.now();
        try {
          const answer = await system.entitlements.post('/v1/check', { credential: partner.credential, model: 'open-1' }, service);
          expect(answer.status).toBe(200);
          const b = answer.body;
          answers.push({ sentAt, partnerId: partner.partnerId, allow: b.allow, reasons: b.reasons, licenseId: b.licenseId, position: BigInt(b.position), decisionId: b.decisionId });
        } catch (error) {
          if ((error as Error).name === 'JestAssertionError') throw error;
          unreachable++; // the app is restarting: the serving stack fails closed on its side
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const licenseCycler = async (partner: EntitledPartner) => {
      while (running()) {
        const current = active.get(partner.partnerId);
        if (current) {
          const revoked = await system.adminApi.post(`/v1/licenses/${current}/revoke`, { reason: 'load cycle' }, officer);
          expect(revoked.status).toBe(200);
          revokedAt.set(current, BigInt(revoked.body.position));
          acknowledged.push(BigInt(revoked.body.position));
          active.delete(partner.partnerId);
        } else {
          const granted = await system.adminApi.post('/v1/licenses', { partnerId: partner.partnerId, modelId: 'open-1' }, officer);
          expect(granted.body.status).toBe('active');
          active.set(partner.partnerId, granted.body.licenseId);
          acknowledged.push(BigInt(granted.body.position));
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    };
    const enroller = async () => {
      for (let n = 0; running(); n++) {
        const partner = partners[n % partners.length];
        const enrolled = await system.partnerApi.post('/v1/users', { userId: `u-load-${n}`, name: `Load User ${n}` }, system.token(Role.PartnerAdmin, { partnerId: partner.partnerId }));
        expect(enrolled.status).toBe(201);
        acknowledged.push(BigInt(enrolled.body.position));
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const restarts = (async () => {
      await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 3));
      await restart(2, createEntitlementsApp, system.entitlements.baseUrl);
      await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 3));
      await restart(3, createWorker, system.worker.baseUrl);
    })();
    await Promise.all([checker(0), checker(1), checker(2), ...partners.map(licenseCycler), enroller(), restarts]);

    // The load was real, and the answers changed as licenses came and went.
    expect(answers.length).toBeGreaterThan(SECONDS * 20);
    expect(answers.some((a) => a.allow)).toBe(true);
    expect(answers.some((a) => a.reasons.includes('LICENSE_REVOKED') || a.reasons.includes('NO_LICENSE'))).toBe(true);
    expect(revokedAt.size).toBeGreaterThan(3);

    // No check allowed a license once the index held its revocation.
    const allowedAfterRevocation = answers.filter((a) => a.allow && a.licenseId && revokedAt.has(a.licenseId) && a.position >= revokedAt.get(a.licenseId)!);
    expect(allowedAfterRevocation).toEqual([]);

    // Every acknowledged command is in the log, and the log is whole.
    const store = new EventStore(system.db.pool);
    const { rows: found } = await system.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE global_position = ANY($1::bigint[])', [acknowledged.map(String)]);
    expect(found[0].n).toBe(new Set(acknowledged.map(String)).size);
    const integrity = await verifyAuditChains(system.db.pool, system.config.audit.signingKey);
    expect(integrity).toMatchObject({ ok: true, firstBreak: null });
    const { rows: counts } = await system.db.pool.query<{ events: number; versions: number }>('SELECT (SELECT count(*)::int FROM events) AS events, (SELECT sum(version)::int FROM streams) AS versions');
    expect(counts[0].events).toBe(counts[0].versions);
    expect(counts[0].events).toBe(integrity.events);

    // Every answered check is in the decision log, as answered.
    const ids = answers.map((a) => a.decisionId);
    const logged = await eventually(async () => {
      const { rows } = await system.db.pool.query<{ id: string; allow: boolean }>('SELECT id, allow FROM decision_log WHERE id = ANY($1::text[])', [ids]);
      return rows.length === ids.length && rows;
    }, 15_000);
    const allowOf = new Map(logged.map((r) => [r.id, r.allow]));
    expect(answers.every((a) => allowOf.get(a.decisionId) === a.allow)).toBe(true);

    // The read models, projected live across the worker's restart, equal a rebuild from scratch.
    for (let head = await store.headPosition(); ; ) {
      await waitForCheckpoints(system.db.pool, head);
      await new Promise((r) => setTimeout(r, 300));
      const now = await store.headPosition();
      if (now === head) break;
      head = now;
    }
    const live = await dumpReadModels(system.db.pool);
    expect(await rebuildProjections(['all'], system.config, () => undefined)).toBe(0);
    expect(await dumpReadModels(system.db.pool)).toEqual(live);
    console.log(`fault-load: ${SECONDS} s, ${answers.length} checks (${unreachable} refused while restarting), ${acknowledged.length} commands, ${revokedAt.size} revocations, ${integrity.events} events`);
  }, (SECONDS + 120) * 1000);
});
