/**
 * A certification authority made by the test with the `openssl` command (not by Masar's code, so a
 * seal Masar applies is checked against a chain it did not make): a root CA, a seal certificate it
 * issued, and a second, unrelated CA that must not validate the seal.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readSealKey, type SealKey } from '../../documents/pdf/seal';

export interface TestCa {
  dir: string;
  caCert: string;
  otherCaCert: string;
  sealCert: string;
  sealKey: string;
  seal: SealKey;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

function makeCa(dir: string, name: string, cn: string): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30', '-subj', `/CN=${cn}/O=Masar tests`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
}

/** A fresh CA and seal under a temporary folder. */
export function createTestCa(sealName = 'Commune de Tanger (test seal)'): TestCa {
  const dir = mkdtempSync(path.join(tmpdir(), 'masar-ca-'));
  makeCa(dir, 'ca', 'Masar Test Root CA');
  makeCa(dir, 'other-ca', 'Unrelated Test CA');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'seal.key', '-out', 'seal.csr', '-subj', `/CN=${sealName}/O=Masar tests/C=MA`], dir);
  writeFileSync(path.join(dir, 'seal.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n');
  openssl(['x509', '-req', '-in', 'seal.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'seal.pem', '-days', '30', '-sha256', '-extfile', 'seal.ext'], dir);
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    caCert: file('ca.pem'),
    otherCaCert: file('other-ca.pem'),
    sealCert: file('seal.pem'),
    sealKey: file('seal.key'),
    seal: readSealKey(readFileSync(file('seal.pem'), 'utf8'), readFileSync(file('seal.key'), 'utf8')),
  };
}
