/** `masar token`: mints a development JWT (HS256 with AUTH_JWT_SECRET) for calling the API. */
import { Claims, mintToken } from '../../api/auth';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';

const usage = `usage: masar token --sub <id> [--roles a,b] [--unit <code>] [--name <text>] [--email <address>] [--lang fr|ar] [--ttl 8h]

  --sub     the caller's id (an applicant's id, an agent's member id)
  --roles   comma-separated roles: applicant, agent, supervisor, admin, or a procedure's own
  --unit    the unit code staff work at (agents, supervisors)
  --ttl     lifetime: 30m, 8h, 7d (default 8h)
Reads AUTH_JWT_SECRET (at least 32 characters), the secret the API verifies with. Prints the token.`;

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
  if (values.ttl !== undefined && !/^\d+[smhdw]$/.test(values.ttl)) throw new UsageError(`--ttl "${values.ttl}": write e.g. 30m, 8h or 7d`);
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
  io.out(await mintToken({ secret, claims: claims.data, ttl: values.ttl ?? '8h', ...(io.env.AUTH_ISSUER ? { issuer: io.env.AUTH_ISSUER } : {}), ...(io.env.AUTH_AUDIENCE ? { audience: io.env.AUTH_AUDIENCE } : {}) }));
  return 0;
}

export const tokenCommand: Command = { name: 'token', summary: 'mint a development API token (HS256)', usage, run };
