/** `masar token`: mints a development JWT (HS256 with AUTH_JWT_SECRET) for calling the API. */
import { Claims, mintToken } from '../../api/auth';
import { parseCommandArgs } from '../args';
import { DEFAULT_MAX_TOKEN_LIFETIME, formatLifetime, parseLifetime } from '../../api/token-lifetime';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';

const usage = `usage: masar token --sub <id> [--roles a,b] [--unit <code>] [--name <text>] [--email <address>] [--lang fr|ar] [--ttl 8h]

  --sub     the caller's id (an applicant's id, an agent's member id)
  --roles   comma-separated roles: applicant, agent, supervisor, admin, or a procedure's own
  --unit    the unit code staff work at (agents, supervisors)
  --ttl     lifetime: 30m, 8h, 7d (default 8h or AUTH_MAX_TOKEN_LIFETIME if shorter; at most that)
Reads AUTH_JWT_SECRET (at least 32 characters), the secret the API verifies with, and the API's
AUTH_ISSUER, AUTH_AUDIENCE and AUTH_MAX_TOKEN_LIFETIME (default ${DEFAULT_MAX_TOKEN_LIFETIME}), so the API accepts the token.
Prints the token.`;

/** `--ttl` when not given (or AUTH_MAX_TOKEN_LIFETIME when shorter). */
const DEFAULT_TTL_SECONDS = 8 * 3600;

async function run(args: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(args, {
    sub: { type: 'string' },
    roles: { type: 'string' },
    unit: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    lang: { type: 'string' },
    ttl: { type: 'string' },
  });
  const secret = io.env.AUTH_JWT_SECRET;
  if (!secret || secret.length < 32) {
    throw new UsageError('AUTH_JWT_SECRET must be set to the API\'s secret (at least 32 characters; generate one with `openssl rand -hex 32`)');
  }
  if (!values.sub) throw new UsageError('--sub is required');
  const maxText = io.env.AUTH_MAX_TOKEN_LIFETIME ?? DEFAULT_MAX_TOKEN_LIFETIME;
  const max = parseLifetime(maxText);
  if (max === undefined) throw new UsageError(`AUTH_MAX_TOKEN_LIFETIME "${maxText}": write e.g. 24h, 30m or 7d`);
  const ttlText = values.ttl ?? formatLifetime(Math.min(DEFAULT_TTL_SECONDS, max));
  const ttl = parseLifetime(ttlText);
  if (ttl === undefined) throw new UsageError(`--ttl "${ttlText}": write a number and a unit (s, m, h, d), e.g. 30m, 8h or 7d`);
  // A token the API would refuse is no use to anyone: say so here rather than with a 401 later.
  if (ttl > max) throw new UsageError(`--ttl ${ttlText} is longer than the API accepts (AUTH_MAX_TOKEN_LIFETIME=${formatLifetime(max)}); ask for at most ${formatLifetime(max)}`);
  const claims = Claims.safeParse({
    sub: values.sub,
    roles: values.roles ? values.roles.split(',').map((r) => r.trim()).filter(Boolean) : [],
    ...(values.unit ? { unit: values.unit } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values.email ? { email: values.email } : {}),
    ...(values.lang ? { lang: values.lang } : {}),
  });
  if (!claims.success) {
    throw new UsageError(claims.error.issues.map((i) => `--${String(i.path[0] ?? '?')}: ${i.message}`).join('; '));
  }
  io.out(await mintToken({ secret, claims: claims.data, ttl: `${ttl}s`, ...(io.env.AUTH_ISSUER ? { issuer: io.env.AUTH_ISSUER } : {}), ...(io.env.AUTH_AUDIENCE ? { audience: io.env.AUTH_AUDIENCE } : {}) }));
  return 0;
}

export const tokenCommand: Command = { name: 'token', summary: 'mint a development API token (HS256)', usage, run };
