/**
 * The organisation's seal as configured (`MASAR_SEAL_CERT`, `MASAR_SEAL_KEY`: PEM file paths), and
 * the self-signed demo pair `npm start` makes when none is configured. A demo seal proves nothing
 * to anyone else: production configures a certificate issued by a trust service provider.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import forge from 'node-forge';
import { readSealKey, type SealKey } from './pdf/seal';

/** Reads the seal from its PEM files; the error names the file and what is wrong with it. */
export function loadSeal(certPath: string, keyPath: string): SealKey {
  const read = (file: string, variable: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`${variable}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  };
  return readSealKey(read(certPath, 'MASAR_SEAL_CERT'), read(keyPath, 'MASAR_SEAL_KEY'), `seal ${certPath} + ${keyPath}`);
}

/** A self-signed certificate and key for `commonName`, valid `days` days, as PEM. */
export function selfSignedSeal(commonName: string, days = 825): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  const name = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'Masar (demo)' }, { name: 'countryName', value: 'MA' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** The demo seal's files under `dir`, made on first use and kept (the same seal across restarts). */
export function demoSealFiles(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'seal-cert.pem');
  const key = path.join(dir, 'seal-key.pem');
  if (!existsSync(cert) || !existsSync(key)) {
    mkdirSync(dir, { recursive: true });
    const pair = selfSignedSeal('Masar demo seal');
    writeFileSync(key, pair.keyPem, { mode: 0o600 });
    writeFileSync(cert, pair.certPem);
  }
  return { cert, key };
}
