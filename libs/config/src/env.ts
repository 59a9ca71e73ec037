/** A reader of one environment variable: parses the raw string or explains what it expects. */
export interface EnvVar<T> {
  readonly expected: string;
  parse(raw: string | undefined): T;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly expected: string, got: string | undefined) {
    super(`Invalid configuration: ${variable} must be ${expected} (got ${describeValue(variable, got)})`);
    this.name = 'ConfigError';
  }
}

/** The offending value, on one line and without secrets (keys, passwords in URLs). */
function describeValue(variable: string, value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (/SECRET|KEY|PASSWORD|TOKEN/.test(variable)) return '<hidden>';
  let shown = value;
  try {
    const url = new URL(value);
    if (url.password) {
      url.password = '***';
      shown = url.toString();
    }
  } catch {
    /* not a URL */
  }
  return JSON.stringify(shown.length > 200 ? `${shown.slice(0, 200)}...` : shown);
}

class Invalid extends Error {}

function envVar<T>(expected: string, parse: (raw: string) => T, fallback?: T): EnvVar<T> {
  return {
    expected,
    parse(raw) {
      if (raw === undefined || raw === '') {
        if (fallback === undefined) throw new Invalid();
        return fallback;
      }
      return parse(raw);
    },
  };
}

export const env = {
  string(fallback?: string): EnvVar<string> {
    return envVar('a non-empty string', (raw) => raw, fallback);
  },
  optionalString(): EnvVar<string | undefined> {
    return { expected: 'a string', parse: (raw) => (raw === '' ? undefined : raw) };
  },
  url(protocols: string[], fallback?: string): EnvVar<string> {
    return envVar(`a URL (${protocols.join(', ')})`, (raw) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new Invalid();
      }
      if (!protocols.includes(url.protocol.replace(/:$/, ''))) throw new Invalid();
      return raw;
    }, fallback);
  },
  integer(min: number, max: number, fallback?: number): EnvVar<number> {
    return envVar(`an integer from ${min} to ${max}`, (raw) => {
      if (!/^-?\d+$/.test(raw)) throw new Invalid();
      const value = Number(raw);
      if (value < min || value > max) throw new Invalid();
      return value;
    }, fallback);
  },
  decimal(min: number, max: number, fallback?: number): EnvVar<number> {
    return envVar(`a number from ${min} to ${max}`, (raw) => {
      if (!/^\d+(\.\d+)?$/.test(raw)) throw new Invalid();
      const value = Number(raw);
      if (value < min || value > max) throw new Invalid();
      return value;
    }, fallback);
  },
  oneOf<T extends string>(values: readonly T[], fallback?: T): EnvVar<T> {
    return envVar(`one of ${values.join(', ')}`, (raw) => {
      if (!(values as readonly string[]).includes(raw)) throw new Invalid();
      return raw as T;
    }, fallback);
  },
  list(fallback: string[] = []): EnvVar<string[]> {
    return envVar('a comma-separated list', (raw) => raw.split(',').map((s) => s.trim()).filter(Boolean), fallback);
  },
};

type Schema = Record<string, EnvVar<unknown>>;
type Parsed<S extends Schema> = { [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

/** Reads every variable of the schema; the first one that is missing or malformed throws a ConfigError. */
export function readEnv<S extends Schema>(schema: S, source: NodeJS.ProcessEnv): Parsed<S> {
  const out: Record<string, unknown> = {};
  for (const [name, reader] of Object.entries(schema)) {
    const raw = source[name];
    try {
      out[name] = reader.parse(raw);
    } catch (error) {
      if (error instanceof Invalid) throw new ConfigError(name, reader.expected, raw);
      throw error;
    }
  }
  return out as Parsed<S>;
}
