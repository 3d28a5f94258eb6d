/**
 * What `npm start` prints once everything answers: where things are, four demo tokens (one per kind
 * of user, matching the seeded demo directory) and a curl line that files a case.
 */
import { mintToken } from '../api/auth';
import { formatLifetime } from '../api/token-lifetime';
import { DEMO_MEMBERS } from '../db/seed/members-demo';

/** The line `npm start` prints when it is ready (tests wait for it). */
export const READY_LINE = 'Masar is ready.';

/** The commune and province the demo tokens work at (seeded by `db/seed`). */
const DEMO_AGENT_ID = 'demo-tanger-agent';
const DEMO_SUPERVISOR_ID = 'demo-tanger-assilah-supervisor';

export interface DemoToken {
  /** Shell variable the banner exports it as, e.g. `MASAR_APPLICANT_TOKEN`. */
  variable: string;
  who: string;
  token: string;
}

function demoMember(id: string) {
  const member = DEMO_MEMBERS.find((m) => m.id === id);
  if (!member) throw new Error(`scripts/start-banner.ts: demo member "${id}" is not in db/seed/members-demo.ts (update DEMO_*_ID)`);
  return member;
}

/** The unit where the demo applicant files and the demo agent works. */
export const DEMO_COMMUNE = demoMember(DEMO_AGENT_ID).unitCode;

/** How the demo tokens are minted: they must pass the API's own checks (issuer, audience, lifetime). */
export interface DemoTokenOptions {
  /** Lifetime in seconds; the API's `AUTH_MAX_TOKEN_LIFETIME`, so a demo token lives as long as allowed. */
  ttlSeconds: number;
  /** `AUTH_ISSUER` and `AUTH_AUDIENCE` when set: the API refuses tokens without them. */
  issuer?: string;
  audience?: string;
}

/** One demo person: the banner's token and the console's demo login are both made from it. */
export interface DemoPerson {
  /** Stable id (the console's login form posts it). */
  id: 'applicant' | 'agent' | 'supervisor' | 'admin';
  /** Shell variable the banner exports the token as, e.g. `MASAR_APPLICANT_TOKEN`. */
  variable: string;
  who: string;
  claims: { sub: string; name: string; email?: string; roles: string[]; unit?: string; lang: 'fr' | 'ar' };
}

/** The applicant, agent, supervisor and administrator of the demo directory. */
export function demoPeople(): DemoPerson[] {
  const agent = demoMember(DEMO_AGENT_ID);
  const supervisor = demoMember(DEMO_SUPERVISOR_ID);
  return [
    {
      id: 'applicant',
      variable: 'MASAR_APPLICANT_TOKEN',
      who: 'applicant Amina El Amrani',
      claims: { sub: 'demo-applicant', name: 'Amina El Amrani', email: 'amina.elamrani@masar.local', roles: ['applicant'], lang: 'fr' as const },
    },
    {
      id: 'agent',
      variable: 'MASAR_AGENT_TOKEN',
      who: `agent ${agent.name} at ${agent.unitCode}`,
      claims: { sub: agent.id, name: agent.name, email: agent.email, roles: [...agent.roles], unit: agent.unitCode, lang: agent.language },
    },
    {
      id: 'supervisor',
      variable: 'MASAR_SUPERVISOR_TOKEN',
      who: `supervisor ${supervisor.name} at ${supervisor.unitCode}`,
      claims: { sub: supervisor.id, name: supervisor.name, email: supervisor.email, roles: [...supervisor.roles], unit: supervisor.unitCode, lang: supervisor.language },
    },
    {
      id: 'admin',
      variable: 'MASAR_ADMIN_TOKEN',
      who: 'administrator',
      claims: { sub: 'demo-admin', name: 'Administrateur Masar', roles: ['admin'], lang: 'fr' as const },
    },
  ];
}

/** The demo people as the console's demo logins. */
export function demoPersonas(): { id: string; principal: DemoPerson['claims'] }[] {
  return demoPeople().map((p) => ({ id: p.id, principal: p.claims }));
}

/** Mints the applicant, agent, supervisor and administrator tokens. */
export async function mintDemoTokens(secret: string, options: DemoTokenOptions): Promise<DemoToken[]> {
  return Promise.all(
    demoPeople().map(async (p) => ({
      variable: p.variable,
      who: p.who,
      token: await mintToken({
        secret,
        claims: p.claims,
        ttl: `${options.ttlSeconds}s`,
        ...(options.issuer ? { issuer: options.issuer } : {}),
        ...(options.audience ? { audience: options.audience } : {}),
      }),
    })),
  );
}

export interface BannerFacts {
  apiUrl: string;
  /** The console's demo logins, when the console is on with them. */
  console?: { people: DemoPerson[] };
  temporal: { address: string; uiUrl?: string; external: boolean };
  database: { where: string; external: boolean };
  mail: { where: string; external: boolean };
  dataDir: string;
  /** Absent when the API verifies tokens with a JWKS URL (nothing to mint with). */
  tokens?: DemoToken[];
  /** How long the demo tokens are valid, in seconds. */
  tokenTtlSeconds?: number;
}

/** The ready banner, as lines. */
export function bannerLines(f: BannerFacts): string[] {
  const lines = [
    '',
    `  ${READY_LINE}`,
    '',
    ...(f.console
      ? [
          `  Console         ${f.apiUrl}/   (open it in a browser)`,
          `    demo logins   ${f.console.people.map((p) => `${p.id} (${p.claims.name}${p.claims.unit ? `, ${p.claims.unit}` : ''})`).join('; ')}`,
        ]
      : []),
    `  API             ${f.apiUrl}/api/v1`,
    `  API docs        ${f.apiUrl}/api/v1/docs`,
    `  Temporal        ${f.temporal.external ? `${f.temporal.address} (TEMPORAL_ADDRESS)` : `${f.temporal.address}, Web UI ${f.temporal.uiUrl ?? '(headless)'}`}`,
    `  PostgreSQL      ${f.database.external ? `${f.database.where} (DATABASE_URL)` : `${f.database.where} (embedded PGlite)`}`,
    `  Mail            ${f.mail.external ? `${f.mail.where} (SMTP_URL)` : `.eml files in ${f.mail.where}`}`,
    `  Data folder     ${f.dataDir}`,
    '',
  ];
  if (f.tokens) {
    const ttl = f.tokenTtlSeconds === undefined ? '' : ` (valid ${formatLifetime(f.tokenTtlSeconds)}; the next \`npm start\` prints fresh ones)`;
    lines.push(`  Demo tokens${ttl}: paste these lines into your shell`);
    for (const t of f.tokens) lines.push(`  # ${t.who}`, `  export ${t.variable}=${t.token}`);
    lines.push(
      '',
      '  File an access-to-information request as the applicant:',
      `  curl -s -X POST ${f.apiUrl}/api/v1/cases \\`,
      '    -H "Authorization: Bearer $MASAR_APPLICANT_TOKEN" -H "Content-Type: application/json" \\',
      `    -d '{"procedure":"acces-information","unit":"${DEMO_COMMUNE}","data":{"subject":"Le budget 2025 de la commune","format":"electronic"}}'`,
      '',
      `  Then the agent's inbox: curl -s ${f.apiUrl}/api/v1/tasks -H "Authorization: Bearer $MASAR_AGENT_TOKEN"`,
    );
  } else {
    lines.push('  Tokens: the API verifies tokens with AUTH_JWKS_URL; get one from your identity provider.');
  }
  lines.push('', '  Ctrl-C stops everything; the next `npm start` finds every case where it was.', '');
  return lines;
}
