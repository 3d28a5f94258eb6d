/**
 * A procedure's retention period (issue 16): optional, an ISO 8601 period in calendar units with
 * the text that grounds it; carried in the compiled procedure only when declared, so the hash of a
 * procedure without one does not move.
 */
import { compileProcedure } from '../../../definitions/compile';
import { formatDefinitionError } from '../../../definitions/errors';
import { loadProcedureSource } from '../../../definitions/load';
import { RetentionPeriod } from '../../../definitions/schema';
import { loadWorkerConfig, RETENTION_PERIOD } from '../../../config/env';

const BASE = `
id: retention-test
version: 1
title: { fr: Test, ar: اختبار }
legalBasis: [{ law: Test }]
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: agent }
    actions:
      close: { label: { fr: Clore, ar: إغلاق }, by: [agent], to: done }
  done: { kind: final, outcome: closed, label: { fr: Close, ar: مغلق } }
`;

const load = (extra: string) => loadProcedureSource(BASE + extra, 'retention.yaml');

describe('retention in a definition', () => {
  it.each(['P5Y', 'P18M', 'P90D', 'P2W', 'P1Y6M', 'P0D'])('should accept the period %s with its basis, in the compiled procedure', (after) => {
    const loaded = load(`retention: { after: ${after}, basis: { law: "Loi 69-99", articles: ["art. 10"], note: "calendrier de conservation" } }\n`);
    if (!loaded.ok) throw new Error(loaded.errors.map(formatDefinitionError).join('\n'));
    expect(compileProcedure(loaded.procedure).retention).toEqual({ after, basis: { law: 'Loi 69-99', articles: ['art. 10'], note: 'calendrier de conservation' } });
  });

  it.each([
    ['a working-day period', 'retention: { after: 20 working days, basis: { law: X } }', /retention\.after.*ISO 8601 period in years, months, weeks or days/],
    ['a period with a time part', 'retention: { after: PT5H, basis: { law: X } }', /retention\.after/],
    ['an empty period', 'retention: { after: P, basis: { law: X } }', /retention\.after/],
    ['a period in words', 'retention: { after: five years, basis: { law: X } }', /retention\.after/],
    ['no basis', 'retention: { after: P5Y }', /retention: missing required key "basis"/],
    ['an unknown key', 'retention: { after: P5Y, basis: { law: X }, keep: forever }', /retention.*keep/],
  ])('should refuse %s, naming where', (_what, yaml, message) => {
    const loaded = load(`${yaml}\n`);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map(formatDefinitionError).join('\n')).toMatch(message);
  });

  it('should leave the compiled form and hash of a procedure without retention as they were', () => {
    const loaded = load('');
    if (!loaded.ok) throw new Error('fixture does not load');
    const compiled = compileProcedure(loaded.procedure);
    expect('retention' in compiled).toBe(false);
    const withIt = load('retention: { after: P5Y, basis: { law: X } }\n');
    if (!withIt.ok) throw new Error('fixture does not load');
    expect(compileProcedure(withIt.procedure).hash).not.toBe(compiled.hash);
  });
});

describe('MASAR_RETENTION_DEFAULT', () => {
  it.each(['P5Y', 'P18M', 'P90D', 'P2W', 'P1Y6M', 'P0D', 'P', 'PT5H', '5 years', 'P5Y ', '20 working days', 'p5y', 'P99999D'])(
    'should read %j as a definition\'s retention.after does',
    (text) => {
      expect(RETENTION_PERIOD.test(text)).toBe(RetentionPeriod.safeParse(text).success);
    },
  );

  it('should refuse a default that is not a period, naming the variable and the form', () => {
    expect(() => loadWorkerConfig({ DATABASE_URL: 'postgres://x', MASAR_RETENTION_DEFAULT: '5 years' })).toThrow(/MASAR_RETENTION_DEFAULT.*ISO 8601 period/);
    expect(() => loadWorkerConfig({ DATABASE_URL: 'postgres://x', MASAR_RETENTION_CRON: 'every night' })).toThrow(/MASAR_RETENTION_CRON.*cron expression of five fields/);
    expect(loadWorkerConfig({ DATABASE_URL: 'postgres://x' })).toMatchObject({ MASAR_RETENTION_DEFAULT: 'P5Y', MASAR_RETENTION_CRON: '30 2 * * *', MASAR_RETENTION_SCHEDULE: true });
  });
});
