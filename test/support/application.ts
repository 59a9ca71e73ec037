/** The body of `POST /v1/application`. */
export interface ApplicationBody {
  legalName: string;
  registrationNumber: string;
  countryOfIncorporation: string;
  addresses: string[];
  beneficialOwners: Array<{ name: string; nationality: string; ownershipPercent: number }>;
  intendedUse: string;
  requestedModels: string[];
}

/**
 * A valid application whose names match no restricted-party list; a test overrides what its assertions are
 * about (the legal name screened, the models requested, ...).
 */
export function applicationBody(overrides: Partial<ApplicationBody> = {}): ApplicationBody {
  return {
    legalName: 'Acme Robotics Inc.',
    registrationNumber: 'DE-4411-2291',
    countryOfIncorporation: 'US',
    addresses: ['1 Main St, Springfield, US'],
    beneficialOwners: [{ name: 'Jane Roe', nationality: 'US', ownershipPercent: 60 }],
    intendedUse: 'Code review assistants for critical-infrastructure operators',
    requestedModels: ['mythos-5'],
    ...overrides,
  };
}
