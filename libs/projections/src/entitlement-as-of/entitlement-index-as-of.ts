import type { AppConfig } from '@app/config';
import { EntitlementIndex, GeoPolicy } from '@app/entitlement';
import type { EventStore } from '@app/event-store';

const AS_OF_BATCH = 5000;

/** The geofencing policy of the configuration, as the entitlement index reads it. */
export function geoPolicyOf(config: AppConfig): GeoPolicy {
  return {
    embargoedCountries: new Set(config.geo.embargoedCountries),
    deniedAnonymizers: new Set(config.geo.deniedAnonymizers),
    unknownCountry: config.geo.unknownCountry,
  };
}

/**
 * The entitlement index as the facts recorded up to an instant made it: every event whose occurredAt
 * is at or before `at`, replayed in global order into a fresh index. Read from the store each time,
 * never cached, so that no later change can leak into an answer about the past.
 */
export async function entitlementIndexAsOf(store: EventStore, at: Date, geoPolicy: GeoPolicy): Promise<EntitlementIndex> {
  const past = new EntitlementIndex(geoPolicy);
  for (let from = 0; ; ) {
    const events = await store.readAllOccurredUntil(at, from, AS_OF_BATCH);
    for (const event of events) past.apply(event);
    if (events.length < AS_OF_BATCH) return past;
    from = events[events.length - 1].globalPosition;
  }
}
