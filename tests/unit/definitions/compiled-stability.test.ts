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
  ['acces-information', 2, 'de8c33fa1fa1b83fd2c9fa2d59ecc52e3a34f69324a5398061e428811fe751e6', '44c3390e89e38063936d638d79d2a84276a8c784ebdb25cba4c14db73a193a9b'],
  ['bureau-ordre', 1, 'd69b45422f98547af46ad5b1b6d6a089586528ac82d9b6483d2cc825c1dd00fa', 'ceeffea2f8c86a6c7654218cc8a6a4b503f7a7582dba4c361a258166f12359fc'],
  ['controle-legalite', 1, '66aa6f644fb96a48b22f3dedcb5e8fe2890b679e78edab40b5cf1ab981bbf102', '761a96ac5399b50468550cfe6d617daf7b4ae28ac5cc4f615a974575242b30ac'],
  ['legalisation-signature', 1, '0e885223d9bfafdcc3b98ad0c0899b64ba5c5762aa03f13ecd84b2e970af8547', '114f55d62c5ccc828566a4612446700faab69a904fde478ca3cd60916ca75495'],
  ['permis-construire', 2, '3686f32a4d8398a674be7a87647814f129f907899ce1b405603c0f8d899b189c', 'cff0cd3f2ec014d5845dda4ad62587d80b953ea5cc014d4d06934a5478c9bf0e'],
  ['permis-habiter', 2, '460cb0070b709416998af7a1c938ea32af44bdb426e04bfaa7a3c44243a00724', '55bf7ca6e9494e150e1ce12e5aff4aa243dcf4307a57ddfb55b5a0f8981f9223'],
  ['reclamation', 2, '6b0496a12c2c4b03969f38b1626a8bc71980c77e320467a2c5d008b55064e69b', '9665b2359d586bbdf6b7291980c5af96411ee434c6278b0822783fefb3c5a463'],
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
