import { readFileSync } from 'node:fs';
import { isRole, PARTNER_ROLES, signToken } from '@app/auth';
import { loadConfig } from '@app/config';

const USAGE = 'usage: npm run token -- --role <role> [--partner <partnerId>] [--sub <subject>] [--ttl <seconds>]';

function parseArgs(argv: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag.startsWith('--') || argv[i + 1] === undefined) throw new Error(USAGE);
    args[flag.slice(2)] = argv[++i];
  }
  return args;
}

/** Mints a development token (HS256 secret, or RS256 with JWT_PRIVATE_KEY_FILE) and prints it. */
function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (!isRole(args.role)) throw new Error(`--role must be one of: partner_admin, partner_member, reviewer, compliance_officer, auditor, admin, service\n${USAGE}`);
  if (PARTNER_ROLES.includes(args.role) && !args.partner) throw new Error(`--partner <partnerId> is required for ${args.role}\n${USAGE}`);
  const ttl = args.ttl ? Number(args.ttl) : 12 * 3600;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`--ttl must be a positive number of seconds\n${USAGE}`);
  const config = loadConfig();
  let key = config.jwt.secret;
  if (config.jwt.algorithm === 'RS256') {
    const file = process.env.JWT_PRIVATE_KEY_FILE;
    if (!file) throw new Error('JWT_PRIVATE_KEY_FILE must name the RS256 private key (PEM) to sign with');
    key = readFileSync(file, 'utf8');
  }
  const sub = args.sub ?? (args.partner ? `${args.role}@${args.partner}` : `dev-${args.role}`);
  process.stdout.write(
    signToken({ sub, role: args.role, partnerId: args.partner }, { algorithm: config.jwt.algorithm, key: key!, issuer: config.jwt.issuer, audience: config.jwt.audience, expiresInSeconds: ttl }) + '\n',
  );
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
