/**
 * `masar simulate` on the time-skipping server with the shipped calendar: the dates printed are
 * the ones worked out by hand below. The server starts at the present, so these dates lie ahead.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { masar } from './capture';

/** Child processes of `pid` running a Temporal test server (the native core spawns it). */
function testServersUnder(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there is no child
  }
  return out
    .split('\n')
    .filter((l) => /temporal-test-server|test-server/.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

jest.setTimeout(120_000);

describe('masar simulate', () => {
  it('should print the escalation timeline of acces-information v1 when nobody acts: province, region, DGCT', async () => {
    // Version 1 (the engine fixture) escalates; the shipped version 2 decides an implicit refusal.
    const { code, out, err } = await masar(['simulate', 'tests/fixtures/definitions/engine/acces-information-v1.yaml', '--from', '2027-02-22']);
    expect(code).toBe(0);
    expect(err).toEqual(expect.arrayContaining([expect.stringMatching(/^simulate: starting the Temporal time-skipping test server/), expect.stringMatching(/^simulate: workflow bundled/)]));
    const events = out.filter((l) => /^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} {2}/.test(l));
    expect(events).toEqual([
      'Mon 2027-02-22 10:00  FILED by applicant [applicant] -> received (Reçue)',
      // 20 working days: weekends and Eid al-Fitr (Wed 10 and Thu 11 March, provisional) skipped.
      'Mon 2027-02-22 10:00  clock answer (Délai de réponse) started: 20 working days, due Wed 2027-03-24',
      // 5 and 1 working days before the due date: at the end of Wed 17 and Tue 23 March.
      'Thu 2027-03-18 00:00  reminder: clock answer (Délai de réponse) due Wed 2027-03-24 23:59',
      'Wed 2027-03-24 00:00  reminder: clock answer (Délai de réponse) due Wed 2027-03-24 23:59',
      'Thu 2027-03-25 00:00  clock answer (Délai de réponse) EXPIRED',
      // 10 working days per level: 26 March to 8 April, then 12 to 23 April.
      'Thu 2027-03-25 00:00  ESCALATED to province 01.511 Tanger-Assilah (clock answer); next level on Thu 2027-04-08 23:59',
      'Fri 2027-04-09 00:00  ESCALATED to region 01 Tanger-Tétouan-Al Hoceïma (clock answer); next level on Fri 2027-04-23 23:59',
      'Sat 2027-04-24 00:00  ESCALATED to ministry DGCT Direction Générale des Collectivités Territoriales (clock answer); top of the hierarchy',
    ]);
    expect(out).toContain('still open at Sat 2027-04-24 00:00 in state received (Reçue)');
    expect(out[out.length - 1]).toBe('simulation stopped: the escalation reached the top of the hierarchy and nobody acts');
    expect(out.filter((l) => l.trim() === 'mail: escalation -> supervisors')).toHaveLength(3);
  });

  it('should show where a case stands when nobody acts for 30 days', async () => {
    const { code, out } = await masar(['simulate', 'acces-information', '--from', '2027-02-22T10:00:00+00:00', '--wait', 'P30D']);
    expect(code).toBe(0);
    expect(out).toContain('still open at Wed 2027-03-24 10:00 in state received (Reçue)');
    expect(out).toContain('  clock answer: running, due Wed 2027-03-24');
    expect(out.some((l) => l.includes('ESCALATED'))).toBe(false);
    expect(out[out.length - 1]).toBe('simulation stopped: end of the script');
  });

  it('should play a script: documents requested suspend the permit clock, the applicant answers, the commission advises, the president approves', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-simulate-'));
    writeFileSync(
      path.join(dir, 'script.yaml'),
      [
        'data: { project: Maison R+1, land_title: T-1234, floor_area: 120, plans: 0a1b2c3d-1111-4222-8333-444455556666 }',
        'steps:',
        '  - wait: 10 days',
        '  - act: { action: request_documents, as: agent, comment: Plan de masse manquant, input: { documents: [site_plan] } }',
        '  - wait: "5 working days"',
        '  - act: { action: submit_documents, as: applicant, input: { documents: [0b1b2c3d-1111-4222-8333-444455556666] } }',
        '  - until: 2027-02-01',
        '  - act: { action: favourable_opinion, as: agent }',
        '  - act: { action: approve, as: agent }',
      ].join('\n'),
    );
    // Filed Monday 4 January 2027; P2M is due Thursday 4 March.
    const { code, out } = await masar(['simulate', 'permis-construire', '--from', '2027-01-04', '--script', 'script.yaml'], { cwd: dir });
    expect(code).toBe(0);
    expect(out).toContain('Mon 2027-01-04 10:00  clock decision (Délai de décision) started: P2M, due Thu 2027-03-04');
    // Ten days later, Thursday 14 January; 49 whole days left to 4 March.
    expect(out).toContain('Thu 2027-01-14 10:00  clock decision (Délai de décision) suspended: 49 days left');
    // Five working days later: 15, 18, 19, 20, 21 January.
    expect(out.find((l) => l.startsWith('Thu 2027-01-21 10:00  submit_documents by applicant'))).toBeDefined();
    expect(out.find((l) => l.startsWith('Mon 2027-02-01 09:00  favourable_opinion by agent [agent, commune_president, commission_member, governor_services] at 01.511.01.01'))).toBeDefined();
    expect(out.find((l) => l.startsWith('Mon 2027-02-01 09:00  approve by agent'))).toBeDefined();
    expect(out).toContain('                      DECIDED: approved');
    expect(out).toContain('outcome: approved in state approved (Permis délivré), closed Mon 2027-02-01 09:00');
  });

  it('should stop at a rejected action and say why, with exit code 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-simulate-'));
    // Filed without a kind, the case is studied as an observation; closing it needs its follow-up.
    writeFileSync(path.join(dir, 's.yaml'), '- act: { action: take_into_account, as: agent }\n');
    const { code, out } = await masar(['simulate', 'reclamation', '--from', '2027-01-04', '--script', 's.yaml'], { cwd: dir });
    expect(code).toBe(1);
    expect(out).toContain('Mon 2027-01-04 10:00  REJECTED step 1 (take_into_account as agent): action "take_into_account": follow_up is required');
    expect(out[out.length - 1]).toBe('simulation stopped: an action was rejected');
  });

  it('should refuse a script step it does not know, naming the step', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-simulate-'));
    writeFileSync(path.join(dir, 's.yaml'), '- wait: 30 jours\n');
    const { code, err } = await masar(['simulate', 'reclamation', '--script', 's.yaml'], { cwd: dir });
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^s\.yaml: step 1/);
  });

  it('should refuse a filing date in the past, since the server only moves forward', async () => {
    const { code, err } = await masar(['simulate', 'reclamation', '--from', '2020-01-06']);
    expect(code).toBe(2);
    expect(err[err.length - 1]).toMatch(/^masar simulate: --from 2020-01-06T09:00:00.000Z is in the past/);
  });

  it('should refuse a procedure validation rejects, before starting any server: a clock in minutes counted in working days', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-simulate-'));
    writeFileSync(
      path.join(dir, 'minutes.yaml'),
      [
        'id: minutes',
        'version: 1',
        'title: { fr: Minutes, ar: دقائق }',
        'legalBasis: [{ law: Loi 55-19 }]',
        'initial: review',
        'states:',
        '  review:',
        '    kind: task',
        '    label: { fr: Examen, ar: دراسة }',
        '    task: { role: agent }',
        '    actions: { approve: { label: { fr: Accorder, ar: قبول }, by: [agent], to: done } }',
        '  done: { kind: final, label: { fr: Fait, ar: تم }, outcome: approved }',
        'clocks:',
        '  answer: { label: { fr: Délai, ar: أجل }, duration: PT30M, counting: working_days, runsIn: [review], onExpiry: { decide: done } }',
      ].join('\n'),
    );
    const started = Date.now();
    const { code, err } = await masar(['simulate', 'minutes.yaml'], { cwd: dir });
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^minutes\.yaml:14:\d+: clocks\.answer\.duration: duration "PT30M" cannot be counted in working days/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('should stop at its time limit, say where it was, and leave no test server behind', async () => {
    const before = testServersUnder(process.pid);
    const { code, err } = await masar(['simulate', 'reclamation', '--time-limit', '1']);
    expect(code).toBe(2);
    expect(err[err.length - 1]).toMatch(/^masar simulate: the simulation did not finish within 1 s of real time \((starting the test server|bundling the workflow)\); .*raise --time-limit$/);
    // Give the server a moment to be reaped if it came up after the limit.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(testServersUnder(process.pid).filter((pid) => !before.includes(pid))).toEqual([]);
  });

  it('should refuse a time limit that is not a whole number of seconds', async () => {
    for (const bad of ['0', '-5', '1.5', 'ten', '']) {
      const { code, err } = await masar(['simulate', 'reclamation', `--time-limit=${bad}`]);
      expect(code).toBe(2);
      expect(err[0]).toBe(`masar simulate: --time-limit "${bad}": write a whole number of seconds, e.g. 300`);
    }
  });

  it('should stop the test server and exit 130 on Ctrl-C (SIGINT)', async () => {
    const root = path.join(__dirname, '../../..');
    const child = spawn(process.execPath, [path.join(root, 'bin/masar.js'), 'simulate', 'acces-information', '--wait', 'P300D'], { cwd: root, env: process.env });
    let stderr = '';
    const servers: number[] = [];
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/server ready/.test(stderr) && servers.length === 0) {
          servers.push(...testServersUnder(child.pid as number));
          child.kill('SIGINT');
          resolve();
        }
      });
      void exited.then(() => reject(new Error(`masar simulate exited before the server was ready:\n${stderr}`)));
    });
    expect(servers.length).toBe(1);
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/masar simulate: interrupted by SIGINT; the test server was stopped/);
    expect(servers.filter(alive)).toEqual([]);
  });
});
