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

// [id, version, compiled.hash, sha256 of JSON.stringify(compiled)], recorded on 2026-11-28 (again after
// issue 15: the built-in role commune_president, the resolved endOnNonWorkingDay of clocks and timeouts, the seven procedures).
const RECORDED: [string, number, string, string][] = [
  ['acces-information', 2, 'c1b93772d3c0dfb7823edff67b124c0a4cc4b564d9fc226bedde7c30fee6b380', '74bf4660d93810c5f07d4de324a075dc9a5b6e0408038f0936fc536c9a148024'],
  ['bureau-ordre', 1, '910ef52453788c3d38876dc464161705d501e3468ff1b56b90f60e2b1cd0cb74', 'bc9ef797c1ab069c3d06f06535470d96e104e96cab53e7122e5cb985dc0daedf'],
  ['controle-legalite', 1, 'a409127fce65fc1985860326f3b2ead7a137f12f3a495f6f1a7261fb25b8e0b8', '78075a842db90b052d4c320100db4230af5268d08c49c07a5f444e057a970042'],
  ['legalisation-signature', 1, '3553c472cd00ddd80a208982def9eda42fc78d5df248ffaaeb13d8ee459d54cd', '0803be05a594924072aaa9fb58e538edeb235be5358d47b037330f76995fbd32'],
  ['permis-construire', 2, 'ce368ad14dbde6e9778f71b7dacdcf21f398323ba55f7d0a6127240c4027dcb3', '7e6b0acaad35f80c62249a0b5bf4ac855c370f00f3309bcf3977e143f4b0e227'],
  ['permis-habiter', 2, 'ad3b463e8a407506e2650791d268a2bc4b922fd7c41999edd78524f2ea28572d', '2d1bf079c3873547a066506081ceee8ebc790b42f0f8328a7a72241e967d8de9'],
  ['reclamation', 2, '01803897f37726cd0118342adaaf21cb28ade0cdfa5422816f24f7f864eb8192', 'cb50803d48ed4cae42f5ff11d7bcb963ba67eb916fb33643d8d585aedd0847fb'],
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
