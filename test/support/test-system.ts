import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createAdminApi } from '../../apps/admin-api/src/main';
import { DemoReport, seedJune2026 } from '../../apps/cli/src/demo/june-2026';
import { createEntitlementsApp } from '../../apps/entitlements/src/main';
import { createPartnerApi } from '../../apps/partner-api/src/main';
import { createWorker } from '../../apps/worker/src/main';
import { Role } from '@app/auth';
import type { AppConfig, Clock, ManualClock } from '@app/config';
import { listen } from '@app/http';
import { createTestDatabase, deleteRedisKeys, TestDatabase, testConfig, tokenFor } from '@app/testing';

/** The reference lists shipped beside the repository (../shared/data/restricted-parties). */
export const SHARED_LISTS = join(__dirname, '../../../shared/data/restricted-parties');

/**
 * ARCHITECTURE.md's June 2026 timeline replayed through the system's HTTP APIs, the clock set to each step's
 * time; only the Consolidated Screening List is imported (the quickest of the reference lists).
 */
export function seedJune2026Into(system: TestSystem, clock: ManualClock): Promise<DemoReport> {
  return seedJune2026({
    adminApi: system.adminApi.baseUrl,
    partnerApi: system.partnerApi.baseUrl,
    token: system.token,
    at: (time) => clock.set(time),
    lists: ['csl'],
    listsDirectory: SHARED_LISTS,
  });
}

export interface HttpAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A client for one app: JSON in and out, bearer token optional. */
export class Api {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {}): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    } else if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string, token?: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, { token, headers });
  }
  post<T = any>(path: string, body: unknown, token?: string, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { token, body, headers });
  }
}

/** All four apps, in process on random ports, against a database of their own. */
export interface TestSystem {
  db: TestDatabase;
  config: AppConfig;
  partnerApi: Api;
  adminApi: Api;
  entitlements: Api;
  worker: Api;
  apps: INestApplication[];
  token(role: Role, options?: { sub?: string; partnerId?: string }): string;
  /** Imports restricted-party lists from ../shared/data (by default only the small CSL sample, for speed). */
  importLists(lists?: ('ofacSdn' | 'ofacAlt' | 'ofacAdd' | 'bisDpl' | 'csl')[]): Promise<HttpAnswer>;
  /** Everything a submitted application needs before a reviewer may approve it: verified KYB, screened (clear). */
  prepareForApproval(partnerId: string): Promise<void>;
  close(): Promise<void>;
}

/** `db`: a database of the test's own making (dropped on close like the default one). */
export async function startTestSystem(options: { env?: Record<string, string>; clock?: Clock; db?: TestDatabase } = {}): Promise<TestSystem> {
  const db = options.db ?? (await createTestDatabase());
  const config = testConfig(db.url, options.env);
  const host = '127.0.0.1';
  const partner = await createPartnerApi(config, options.clock);
  const admin = await createAdminApi(config, options.clock);
  const entitlements = await createEntitlementsApp(config, options.clock);
  const worker = await createWorker(config, options.clock);
  const apps = [partner, admin, entitlements, worker];
  const [p, a, e, w] = await Promise.all(apps.map((app) => listen(app, 0, host)));
  const adminApi = new Api(a);
  let listsImported: Promise<HttpAnswer> | null = null;
  const importLists = (lists: ('ofacSdn' | 'ofacAlt' | 'ofacAdd' | 'bisDpl' | 'csl')[] = ['csl']) =>
    adminApi.post('/v1/restricted-party-lists/import', { directory: SHARED_LISTS, lists }, tokenFor(config, Role.ComplianceOfficer, { sub: 'list-importer' }));
  return {
    db,
    config,
    importLists,
    async prepareForApproval(partnerId) {
      listsImported ??= importLists();
      expect((await listsImported).status).toBe(200);
      const kyb = await new Api(p).post('/v1/kyc/organisation', {}, tokenFor(config, Role.PartnerAdmin, { sub: `admin@${partnerId}`, partnerId }));
      expect(kyb.body.status).toBe('verified');
      const reviewer = tokenFor(config, Role.Reviewer, { sub: 'test-reviewer' });
      await eventually(async () => {
        const [kycCases, screenings] = await Promise.all([
          adminApi.get(`/v1/kyc-cases?partnerId=${partnerId}&status=verified`, reviewer),
          adminApi.get(`/v1/screenings?partnerId=${partnerId}&status=clear`, reviewer),
        ]);
        return kycCases.body.total >= 1 && screenings.body.total >= 1;
      });
    },
    partnerApi: new Api(p),
    adminApi: new Api(a),
    entitlements: new Api(e),
    worker: new Api(w),
    apps,
    token: (role, tokenOptions) => tokenFor(config, role, tokenOptions),
    async close() {
      for (const app of apps) await app.close();
      await deleteRedisKeys(config.redis.url, config.redis.prefix);
      await db.drop();
    },
  };
}

/** Polls until `probe` returns a truthy value (read models are eventually consistent). */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
