/**
 * The compiled JSON of the shipped procedures does not change under refactoring: running cases carry
 * it in their workflow input, and its hash pins the version they were filed under. Both the content
 * hash (sorted keys) and a digest of the JSON as emitted (key order too) are recorded here; a change
 * to either is a change of the compile output, which needs a new procedure version or a replay check.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { SHIPPED_TEMPLATE_NAMES } from '../../../cli/commands/validate';
import { compileProcedure } from '../../../definitions/compile';
import { loadProcedureDirectory } from '../../../definitions/load';

const DIR = path.join(__dirname, '..', '..', '..', 'definitions', 'procedures');

// [id, version, compiled.hash, sha256 of JSON.stringify(compiled)], recorded on 2026-11-28.
const RECORDED: [string, number, string, string][] = [
  ['acces-information', 1, '709cddfb740c9995d8e28ec2a471cf4cf6367be9567107487566172333073fb6', 'c0b37d7c6eec0bba033aed03693b2fce40edb0760dbe801473260f9a3bd500a9'],
  ['certificat-residence', 1, '47d1dd01769c6b979fd339a8970943056351ffd405e0e1d3610ebcec3282019a', '76ddc09379e8c0fb3b54bb0aa0eefda63dce718116963704de6c4669a64a3ae3'],
  ['permis-construire', 1, 'b51933d8f87b42f3ea21d2118917b1c54299d04c4967d4cd072bc7f621324be7', 'b5aa2f30574c2e89f243f5740b16458a06ec5b2e4d7cb79a5b1f5b74ccd8e810'],
  ['permis-habiter', 1, '7e80040dae9e5a09fad1ec3b3a9748592b4c9c88c8d56af854979c9b99d62700', '19789eec17e020d4d703b7a3a395e208e3f56cc4e24c9ca9575c2398d6ce6675'],
  ['reclamation', 1, '25083c7127c8c84e98433cee54a2c74d9c52708b8136075f9afb2f2979f84110', '1b6c6d7dc73d4973ed841a5bc4748545d835ce199aa616d58faa4884c1170d78'],
];

describe('compiled output of the shipped procedures', () => {
  let compiled: Map<string, [number, string, string]>;
  beforeAll(async () => {
    const loaded = await loadProcedureDirectory(DIR, { knownTemplates: new Set(SHIPPED_TEMPLATE_NAMES) });
    compiled = new Map();
    for (const file of loaded.results) {
      if (!file.ok) continue;
      const c = compileProcedure(file.procedure);
      compiled.set(c.id, [c.version, c.hash, createHash('sha256').update(JSON.stringify(c)).digest('hex')]);
    }
  });

  it('should cover every shipped procedure', () => {
    expect([...compiled.keys()].sort()).toEqual(RECORDED.map(([id]) => id).sort());
  });

  it.each(RECORDED)('should compile %s v%i to the recorded hash and JSON', (id, version, hash, digest) => {
    expect(compiled.get(id)).toEqual([version, hash, digest]);
  });
});
