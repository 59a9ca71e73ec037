import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { Public } from '@app/auth';
import { DecisionLogWriter } from '../decision-log/decision-log.writer';
import { GeoService } from '../geo/geo.service';
import { IndexService } from '../index/index.service';

@Controller('health')
export class EntitlementsHealthController {
  constructor(private readonly index: IndexService, private readonly geo: GeoService, private readonly decisions: DecisionLogWriter) {}

  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  /** Ready once the index is loaded and fresh (else every check denies STALE_STATE) and the geo data is loaded. */
  @Get('ready')
  @Public()
  ready() {
    const { buffered, dropped, written, failedWrites } = this.decisions;
    const body = {
      index: this.index.isLoaded ? 'loaded' : 'loading',
      geo: this.geo.isLoaded ? 'loaded' : 'loading',
      position: String(this.index.position),
      // Allowed decisions dropped under overload are counted here; denials are never dropped.
      decisionLog: { buffered, dropped, written, failedWrites },
    };
    if (this.index.isStale(Date.now()) || !this.geo.isLoaded) throw new ServiceUnavailableException({ code: 'NOT_READY', message: 'Entitlement index not loaded or stale', ...body });
    return { status: 'ok', ...body };
  }
}
