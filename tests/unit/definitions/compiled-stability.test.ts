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
// issue 15: the built-in role commune_president and the resolved endOnNonWorkingDay of clocks and timeouts).
const RECORDED: [string, number, string, string][] = [
  ['acces-information', 1, 'd9ec8001a71eaeb6cbc0bbb665a3cfd1f5c018912a2a90dd78a13d5d6e42c12e', 'd7352727038586d2baadb52bbe2d4615cc2ba4ffdcce53d3e7ae25a0ac2d905b'],
  ['certificat-residence', 1, '8b1aee1b0403a292883b450c693dc6cbd298c2c5e2759e62c390149ea3eb27fb', 'e005f2b26ae42b10110ca664d5d37c0f94685b1af892153ca4781fe8090980ce'],
  ['permis-construire', 1, '687b85d7f2c5a6150a7cc3117b51abd8714b0dbd6513db581cce619dbbce94f2', 'ee9ed19fb68648bcf6d80ce4b23089f5a7a0db7351bd9a9aa11bbe246764436a'],
  ['permis-habiter', 1, '51e0a155ba1d1cac3bc57df4bed23e07ceb0c29be98327d4c0ad6b24d2f4b267', 'c3728511de236c9ea6318dd1f6ea1d59870bf9eb8e31409e92e448eba9ac16d8'],
  ['reclamation', 1, '5b61d206dd6ae2e3f24316e1c58bbca5a1514e2e71b17dc0c4c0809af190b057', 'fb8445a85345448cf9ac1a0026bbdb2401efaba887ec96b372f86f5c1e43c995'],
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
