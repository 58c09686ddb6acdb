/**
 * Test helpers for CMS SignedData with ECDSA signers (RFC 5753 §2.1.1): a small EC PKI built
 * with shomei's certificate builder (a CA and a signer per curve), a CMS builder that writes
 * what `openssl cms -sign` writes for an EC key (ecdsa-with-SHA*, parameters absent, a DER
 * ECDSA-Sig-Value) with every part open to a test's edits, and the helpers the tests share.
 */
import { ecdsaRawToDer } from '../../src/crypto/ecdsa-der.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { CryptoBackend, EcCurve, EcPrivateKey, HashAlg } from '../../src/crypto/types.js';
import { nobleBackend } from '../../src/crypto/noble.js';
import { buildCertificate } from '../../src/x509/build.js';
import type { Certificate } from '../../src/x509/certificate.js';
import type { KeyUsageName } from '../../src/x509/extensions.js';
import { concat } from '../../src/internal/bytes.js';
import { contextTag, encodeInteger, encodeOctetString, encodeOid, encodeSequence, encodeSetOf, encodeTime, encodeTlv, readSingle, Tag } from '../../src/x509/der.js';
import { derChildren } from '../helpers/der.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  secp256k1: '1.3.132.0.10',
} as const;

export const HASH_OIDS: Readonly<Record<HashAlg, string>> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};
export const ECDSA_OIDS: Readonly<Record<HashAlg, string>> = {
  'SHA-1': OID.ecdsaWithSha1,
  'SHA-256': OID.ecdsaWithSha256,
  'SHA-384': OID.ecdsaWithSha384,
  'SHA-512': OID.ecdsaWithSha512,
};

/** The order n of each curve (FIPS 186-4 Appendix D.1.2.3-5), for out-of-range r and s. */
export const ORDER: Readonly<Record<EcCurve, bigint>> = {
  'P-256': 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  'P-384': 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  'P-521': 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};

export const T0 = new Date('2025-01-01T00:00:00Z');
export const NOW = new Date('2025-06-01T00:00:00Z');
const T1 = new Date('2030-01-01T00:00:00Z');

/** A CA and a signer on one curve. */
export interface EcPki {
  readonly crv: EcCurve;
  readonly caKey: EcPrivateKey;
  readonly ca: Certificate;
  readonly key: EcPrivateKey;
  readonly signer: Certificate;
}

export interface EcPkiOptions {
  readonly keyUsage?: readonly KeyUsageName[];
  readonly serialNumber?: bigint;
  /** The signer's SubjectPublicKeyInfo instead of its key's (an unsupported curve, say). */
  readonly spki?: Uint8Array;
  readonly ca?: { readonly key: EcPrivateKey; readonly cert: Certificate };
  readonly name?: string;
}

/** A CA and a signer on `crv` (keyUsage digitalSignature + nonRepudiation: a signature certificate). */
export async function ecPki(crv: EcCurve, options: EcPkiOptions = {}, backend: CryptoBackend = nobleBackend): Promise<EcPki> {
  const caKey = options.ca?.key ?? (await backend.generateKeyPair(crv));
  const ca =
    options.ca?.cert ??
    (await buildCertificate({
      subject: { CN: `EC test CA ${crv}` },
      notBefore: T0,
      notAfter: T1,
      publicKey: publicKeyOf(caKey),
      signer: caKey,
      basicConstraints: { cA: true },
      keyUsage: ['keyCertSign', 'cRLSign'],
      backend,
    }));
  const key = await backend.generateKeyPair(crv);
  const signer = await buildCertificate({
    subject: { CN: options.name ?? `EC signer ${crv}` },
    issuer: ca,
    serialNumber: options.serialNumber ?? 0x1234n,
    notBefore: T0,
    notAfter: T1,
    publicKey: options.spki ?? publicKeyOf(key),
    signer: caKey,
    keyUsage: [...(options.keyUsage ?? ['digitalSignature', 'nonRepudiation'])],
    backend,
  });
  return { crv, caKey, ca, key, signer };
}

/** The DER IssuerAndSerialNumber of `cert`, from its TBSCertificate. */
export function issuerAndSerial(cert: Certificate): Uint8Array {
  const [, serial, , issuer] = derChildren(cert.tbs);
  return encodeSequence(issuer!, serial!);
}

export interface EcCmsOptions {
  readonly content: Uint8Array;
  readonly pki: EcPki;
  readonly hash?: Exclude<HashAlg, 'SHA-1'>;
  /** The signatureAlgorithm DER (default ecdsa-with-<hash>, parameters absent). */
  readonly signatureAlgorithm?: Uint8Array;
  /** The SignerInfo digestAlgorithm DER (default the hash's OID, parameters absent, as openssl writes). */
  readonly digestAlgorithm?: Uint8Array;
  /** sid [0] SubjectKeyIdentifier (version 3), as `openssl cms -sign -keyid`. */
  readonly keyid?: boolean;
  readonly attached?: boolean;
  /** An ESS signing-certificate-v2 attribute naming this certificate (RFC 5035). */
  readonly essCertificate?: Certificate;
  /** The signature value from the raw r || s (default its DER ECDSA-Sig-Value). */
  readonly encodeSignature?: (raw: Uint8Array) => Uint8Array;
  /** Certificates to carry (default the signer's). */
  readonly certificates?: readonly Uint8Array[];
  readonly backend?: CryptoBackend;
}

/** A CMS SignedData signed with the EC key of `pki`, shaped as `openssl cms -sign` shapes it. */
export async function buildEcCms(o: EcCmsOptions): Promise<Uint8Array> {
  const backend = o.backend ?? nobleBackend;
  const hash = o.hash ?? 'SHA-256';
  const cert = o.pki.signer;
  const attrs = [
    encodeSequence(encodeOid(OID.contentType), encodeSetOf(encodeOid(OID.data))),
    encodeSequence(encodeOid(OID.signingTime), encodeSetOf(encodeTime(T0))),
    encodeSequence(encodeOid(OID.messageDigest), encodeSetOf(encodeOctetString(await backend.digest(hash, o.content)))),
  ];
  if (o.essCertificate !== undefined) {
    const ess = encodeSequence(encodeSequence(encodeSequence(encodeOctetString(await backend.digest('SHA-256', o.essCertificate.der)))));
    attrs.push(encodeSequence(encodeOid(OID.signingCertificateV2), encodeSetOf(ess)));
  }
  const set = encodeSetOf(...attrs);
  const raw = await backend.ecdsaSign(o.pki.key, hash, set);
  const signature = (o.encodeSignature ?? ecdsaRawToDer)(raw);
  const digestAlgorithm = o.digestAlgorithm ?? encodeSequence(encodeOid(HASH_OIDS[hash]));
  const sid = o.keyid ? encodeTlv(contextTag(0, false), cert.subjectKeyIdentifier!.keyIdentifier) : issuerAndSerial(cert);
  const signerInfo = encodeSequence(
    encodeInteger(o.keyid ? 3 : 1),
    sid,
    digestAlgorithm,
    concat(Uint8Array.of(contextTag(0, true)), set.subarray(1)),
    o.signatureAlgorithm ?? encodeSequence(encodeOid(ECDSA_OIDS[hash])),
    encodeOctetString(signature),
  );
  const encap = o.attached ? encodeSequence(encodeOid(OID.data), encodeTlv(contextTag(0, true), encodeOctetString(o.content))) : encodeSequence(encodeOid(OID.data));
  const signedData = encodeSequence(
    encodeInteger(o.keyid ? 3 : 1),
    encodeSetOf(digestAlgorithm),
    encap,
    encodeTlv(contextTag(0, true), ...(o.certificates ?? [cert.der])),
    encodeSetOf(signerInfo),
  );
  return encodeSequence(encodeOid(OID.signedData), encodeTlv(contextTag(0, true), signedData));
}

/** Edits of a DER SignedData: its elements, and its first SignerInfo's (for structures a builder would not write). */
export interface Edits {
  readonly signedData?: (elements: Uint8Array[]) => Uint8Array[];
  readonly signerInfo?: (elements: Uint8Array[]) => Uint8Array[];
}

/** `p7s` (DER) with the SignedData's and its first SignerInfo's elements edited. */
export function edited(p7s: Uint8Array, edits: Edits): Uint8Array {
  const [contentType, wrapper] = derChildren(p7s) as [Uint8Array, Uint8Array];
  const sd = derChildren(derChildren(wrapper)[0]!);
  const [first, ...others] = derChildren(sd.at(-1)!);
  const signerInfo = encodeTlv(Tag.SEQUENCE, ...(edits.signerInfo ?? ((e) => e))(derChildren(first!)));
  const signedData = [...sd.slice(0, -1), encodeTlv(Tag.SET, signerInfo, ...others)];
  return encodeSequence(contentType, encodeTlv(contextTag(0, true), encodeSequence(...(edits.signedData ?? ((e) => e))(signedData))));
}

/** The signature value (the OCTET STRING's content) of the first SignerInfo of a DER `p7s`. */
export function signatureOf(p7s: Uint8Array): Uint8Array {
  let sig: Uint8Array | undefined;
  edited(p7s, {
    signerInfo: (e) => {
      sig = readSingle(e[5]!, 'signature').content.slice();
      return e;
    },
  });
  return sig!;
}

/** `p7s` with its first SignerInfo's signature value replaced. */
export function withSignature(p7s: Uint8Array, signature: Uint8Array): Uint8Array {
  return edited(p7s, { signerInfo: (e) => [...e.slice(0, 5), encodeOctetString(signature), ...e.slice(6)] });
}

/** The status of check `id` of the first signer. */
export const checkOf = (r: { signers: readonly { checks: readonly { id: string; status: string; detail?: string }[] }[] }, id: string) => r.signers[0]!.checks.find((c) => c.id === id);

/** The ids of the failed checks of the first signer. */
export const failedOf = (r: { signers: readonly { checks: readonly { id: string; status: string }[] }[] }) =>
  r.signers[0]!.checks.filter((c) => c.status === 'failed').map((c) => c.id);
