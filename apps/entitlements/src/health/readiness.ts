import type { FactoryProvider } from '@nestjs/common';
import { APP_READINESS, ReadinessCheck } from '@app/http';
import { DecisionLogWriter } from '../decision-log/decision-log.writer';
import { GeoService } from '../geo/geo.service';
import { IndexService } from '../index/index.service';

/**
 * Ready once the index is loaded and fresh (else every check denies STALE_STATE) and the geo data is
 * loaded; the decision log's counters come along (allowed decisions dropped under overload are counted
 * there; denials are never dropped).
 */
export const entitlementsReadiness: FactoryProvider<ReadinessCheck[]> = {
  provide: APP_READINESS,
  inject: [IndexService, GeoService, DecisionLogWriter],
  useFactory: (index: IndexService, geo: GeoService, decisions: DecisionLogWriter): ReadinessCheck[] => [
    (indicators) => {
      const details = { loaded: index.isLoaded, position: String(index.position) };
      return index.isStale(Date.now()) ? indicators.check('index').down({ ...details, message: 'not loaded, or the store unreachable past the staleness bound' }) : indicators.check('index').up(details);
    },
    (indicators) => (geo.isLoaded ? indicators.check('geo').up() : indicators.check('geo').down({ message: 'loading' })),
    (indicators) => {
      const { buffered, dropped, written, failedWrites, refused } = decisions;
      return indicators.check('decisionLog').up({ buffered, dropped, written, failedWrites, refused });
    },
  ],
};
