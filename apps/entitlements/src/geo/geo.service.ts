import { existsSync } from 'node:fs';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { GeoData, IpLookup, loadGeoData, lookupIp } from '@app/geo';

const UNKNOWN: IpLookup = { country: null, anonymizer: null, private: false };

/**
 * Where a caller's address is and whether it hides someone (VPN, Tor, datacenter), from offline
 * data loaded once in the background. Until it is loaded every address is of unknown country, so a
 * rule that needs a country fails closed; readiness waits for it.
 */
@Injectable()
export class GeoService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Geo');
  private data: GeoData | null = null;
  /** The data versions recorded on every decision (JSON, serialised once). */
  versions = JSON.stringify({ geo: 'loading' });

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get isLoaded(): boolean {
    return this.data !== null;
  }

  onApplicationBootstrap(): void {
    const started = Date.now();
    const present = (files: string[]) => files.filter((file) => existsSync(file));
    loadGeoData({
      vpnCidrs: present(this.config.geo.vpnLists),
      datacenterCidrs: present(this.config.geo.datacenterLists),
      torExitList: this.config.geo.torExitList ?? undefined,
    }).then(
      (data) => {
        this.data = data;
        this.versions = JSON.stringify({ geo: data.versions });
        this.logger.log(`geo data loaded in ${Date.now() - started} ms: ${JSON.stringify(data.versions)}`);
      },
      (error: Error) => this.logger.error(`geo data failed to load; every country stays unknown: ${error.message}`),
    );
  }

  lookup(ip: string | undefined): IpLookup {
    if (!ip || !this.data) return UNKNOWN;
    return lookupIp(this.data, ip);
  }
}
