/**
 * The organisation's seal on a PDF (PAdES baseline B-B, law 43-20 on trust services): a signature
 * dictionary with a zero-filled `/Contents` placeholder is added while the document is drawn, then
 * `@signpdf/signpdf` fixes the `/ByteRange` and asks `CadesSigner` for a detached CMS signature of
 * the bytes around the placeholder.
 *
 * The CMS is written here with node-forge's ASN.1 (node-forge's PKCS#7 helper cannot add the
 * ESS signing-certificate-v2 attribute PAdES requires, which binds the signature to the seal's
 * certificate); the signature value is computed by node:crypto, so RSA and EC keys both work.
 * Hazard: the signing time lives in the signature dictionary (`/M`), not in the CMS, as PAdES
 * baseline asks; a `signingTime` attribute would make validators read it as the claimed time.
 */
import { createHash, createPrivateKey, createPublicKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import signpdf, { Signer } from '@signpdf/signpdf';
import { DEFAULT_BYTE_RANGE_PLACEHOLDER, SIG_FLAGS, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import forge from 'node-forge';

/** The organisation's certificate chain and key, read from PEM. */
export interface SealKey {
  /** The seal's certificate first, then any intermediates (DER). */
  chain: Buffer[];
  key: KeyObject;
  /** Subject common name of the seal's certificate, for the signature's `/Name`. */
  name: string;
}

/** Bytes reserved for the CMS: a chain of a few certificates fits with room to spare. */
const SIGNATURE_BYTES = 16_384;

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
};

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads the seal from PEM texts: `certificatePem` holds the seal's certificate, optionally followed
 * by its intermediates. Throws naming what is wrong (no certificate, a key that does not match).
 */
export function readSealKey(certificatePem: string, keyPem: string, where = 'seal'): SealKey {
  const pems = certificatePem.match(PEM_CERT) ?? [];
  if (pems.length === 0) throw new Error(`${where}: the certificate file holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  const certs = pems.map((p) => new X509Certificate(p));
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (e) {
    throw new Error(`${where}: the key file is not a PEM private key (${(e as Error).message})`);
  }
  const first = certs[0] as X509Certificate;
  if (!first.checkPrivateKey(key)) throw new Error(`${where}: the private key does not match the certificate ${first.subject.replace(/\n/g, ', ')}`);
  const cn = /CN=([^\n]+)/.exec(first.subject)?.[1] ?? first.subject;
  return { chain: certs.map((c) => c.raw), key, name: cn };
}

const { asn1 } = forge;
const seq = (value: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, value);
const set = (value: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, value);
const oid = (id: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const octets = (b: Buffer) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, b.toString('binary'));
const int = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const nul = () => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '');
const der = (node: forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const fromDer = (b: Buffer) => asn1.fromDer(b.toString('binary'));
const attribute = (type: string, value: forge.asn1.Asn1) => seq([oid(type), set([value])]);

/** Issuer name and serial number of a certificate, as ASN.1 taken from its DER (never re-encoded). */
function issuerAndSerial(certDer: Buffer): forge.asn1.Asn1 {
  const tbs = (fromDer(certDer).value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const fields = tbs.value as forge.asn1.Asn1[];
  // tbsCertificate: [0] version (optional), serialNumber, signature, issuer, ...
  const offset = fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return seq([fields[offset + 2] as forge.asn1.Asn1, fields[offset] as forge.asn1.Asn1]);
}

/** The signature algorithm for the key's type. */
function signatureAlgorithm(key: KeyObject): forge.asn1.Asn1 {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return seq([oid(OID.sha256WithRsa), nul()]);
    case 'ec':
      return seq([oid(OID.ecdsaWithSha256)]);
    default:
      throw new Error(`seal: keys of type ${String(key.asymmetricKeyType)} are not supported (use an RSA or EC key)`);
  }
}

/** A detached CAdES signature (CMS SignedData) of the bytes `@signpdf/signpdf` hands over. */
export class CadesSigner extends Signer {
  constructor(private readonly seal: SealKey) {
    super();
  }

  override async sign(content: Buffer): Promise<Buffer> {
    const [cert] = this.seal.chain;
    if (!cert) throw new Error('seal: no certificate');
    const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
    const signedAttrs = [
      attribute(OID.contentType, oid(OID.data)),
      attribute(OID.messageDigest, octets(sha256(content))),
      // ESSCertIDv2 with the default hash algorithm (SHA-256), which DER leaves out.
      attribute(OID.signingCertificateV2, seq([seq([seq([octets(sha256(cert))])])])),
    ];
    // What is signed is the DER of the attributes as a SET; in the SignerInfo they are [0] IMPLICIT.
    const signature = sign('sha256', der(set(signedAttrs)), this.seal.key);
    const signerInfo = seq([
      int(1),
      issuerAndSerial(cert),
      seq([oid(OID.sha256), nul()]),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, signedAttrs),
      signatureAlgorithm(this.seal.key),
      octets(signature),
    ]);
    const signedData = seq([
      int(1),
      set([seq([oid(OID.sha256), nul()])]),
      seq([oid(OID.data)]),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, this.seal.chain.map(fromDer)),
      set([signerInfo]),
    ]);
    return der(seq([oid(OID.signedData), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData])]));
  }
}

/** The part of pdfkit's document the placeholder needs (its internals are not in the typings). */
interface PdfkitInternals {
  ref(data: Record<string, unknown>): { end(): void };
  initForm(): void;
  _root: { data: { AcroForm?: { data: { Fields: unknown[]; DR?: unknown } } } };
  page: { dictionary: unknown; annotations: unknown[] };
}

/**
 * Adds the signature field and its zero-filled placeholder to the current page of `doc`: call it
 * after drawing, before `doc.end()`. `/M` is the signing time PAdES reads.
 */
export function addSealPlaceholder(doc: PDFKit.PDFDocument, seal: SealKey, info: { reason: string; location: string; signedAt: Date }): void {
  const pdf = doc as unknown as PdfkitInternals;
  const signature = pdf.ref({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: SUBFILTER_ETSI_CADES_DETACHED,
    ByteRange: [0, DEFAULT_BYTE_RANGE_PLACEHOLDER, DEFAULT_BYTE_RANGE_PLACEHOLDER, DEFAULT_BYTE_RANGE_PLACEHOLDER],
    Contents: Buffer.alloc(SIGNATURE_BYTES),
    // String objects, so pdfkit writes PDF strings rather than names.
    Reason: new String(info.reason),
    Location: new String(info.location),
    Name: new String(seal.name),
    M: info.signedAt,
  });
  if (!pdf._root.data.AcroForm) pdf.initForm();
  const form = pdf._root.data.AcroForm;
  if (!form) throw new Error('seal: pdfkit did not create the AcroForm');
  const widget = pdf.ref({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    // Invisible: the page states the seal in words and by its QR code.
    Rect: [0, 0, 0, 0],
    F: 4,
    V: signature,
    T: new String(`Seal${form.data.Fields.length + 1}`),
    P: pdf.page.dictionary,
  });
  // No NeedAppearances: a viewer must not regenerate appearances of a sealed document.
  form.data = { Fields: [...form.data.Fields, widget], DR: form.data.DR, SigFlags: SIG_FLAGS.SIGNATURES_EXIST | SIG_FLAGS.APPEND_ONLY } as typeof form.data;
  pdf.page.annotations.push(widget);
  signature.end();
  widget.end();
}

/** Fills the placeholder of `pdf` with the seal's signature. */
export async function applySeal(pdf: Buffer, seal: SealKey, signedAt: Date): Promise<Buffer> {
  return signpdf.sign(pdf, new CadesSigner(seal), signedAt);
}

/** The public key of a seal, for tests and the verification page's statement of who sealed. */
export const sealPublicKey = (seal: SealKey): KeyObject => createPublicKey(seal.key);
