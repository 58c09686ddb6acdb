/**
 * Issuing an mdoc (ISO/IEC 18013-5:2021 §9.1.2): IssuerSignedItems with fresh salts and
 * random digestIDs, the Mobile Security Object, and IssuerAuth signed by the document
 * signer (a private key, or an external signer: HSM, KMS).
 */

import { type CborEncodable, type CborValue, decode, encode, encodeEmbedded } from '../cbor/index.js';
import { CoseHeader } from '../cose/algorithms.js';
import { x5chainValue } from '../cose/headers.js';
import { encodeCoseKey } from '../cose/key-encode.js';
import { signCoseSign1 } from '../cose/sign1-sign.js';
import type { Signer } from '../cose/signer.js';
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions, PublicKey } from '../crypto/types.js';
import { MdocError, X509Error } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import { parseCertificate } from '../x509/certificate.js';
import { digestItem, type IssuerSigned, type IssuerSignedItem, type IssuerSignedItemBytes, encodeIssuerSignedItem } from './issuer-signed.js';
import { type DigestAlgorithm, type KeyAuthorizations, type MobileSecurityObject, type MsoStatus, checkDigestAlgorithm, encodeMobileSecurityObject, msoDate } from './mso.js';

/** Element values by namespace: plain objects or Maps. */
export type NameSpacesInput =
  | Readonly<Record<string, Readonly<Record<string, CborEncodable>>>>
  | ReadonlyMap<string, ReadonlyMap<string, CborEncodable>>;

/** What to issue. */
export interface IssueMdocOptions extends BackendOptions {
  readonly docType: string;
  readonly nameSpaces: NameSpacesInput;
  /** The holder's device key (its public part). */
  readonly deviceKey: PublicKey;
  readonly validity: {
    /**
     * When the MSO is signed. Default: now, or `validFrom` when that is at most a minute
     * earlier (so `validFrom: new Date()` taken a moment before the call always works).
     */
    readonly signed?: Date;
    readonly validFrom: Date;
    readonly validUntil: Date;
    readonly expectedUpdate?: Date;
  };
  /** Default SHA-256. */
  readonly digestAlgorithm?: DigestAlgorithm;
  /** The document signer: its key or external signer, and its certificate then any intermediates (never the IACA). */
  readonly issuer: { readonly signer: Signer; readonly certificates: readonly Uint8Array[] };
  readonly keyAuthorizations?: KeyAuthorizations;
  readonly status?: MsoStatus;
  /** Salt length in bytes; at least 16, default 32. */
  readonly saltLength?: number;
}

function entriesOf(input: NameSpacesInput): [string, [string, CborEncodable][]][] {
  const outer = input instanceof Map ? [...input] : Object.entries(input);
  return outer.map(([ns, elements]) => [ns, elements instanceof Map ? [...elements] : Object.entries(elements as Record<string, CborEncodable>)]);
}

/** True when two keys have the same type, curve and public coordinates. */
function sameKey(a: object, b: PublicKey): boolean {
  const k = a as Partial<{ kty: string; crv: string; x: Uint8Array; y: Uint8Array }>;
  return (
    k.kty === b.kty &&
    k.crv === b.crv &&
    k.x !== undefined &&
    equalBytes(k.x, b.x) &&
    (b.kty !== 'EC' || (k.y !== undefined && equalBytes(k.y, b.y)))
  );
}

function inputError(path: string, message: string): MdocError {
  return new MdocError('ERR_MDOC_INPUT', `${path}: ${message}`, { path });
}

/** `count` distinct random integers in [0, 2^31), from the backend's randomness. */
function randomDigestIds(count: number, random: (n: number) => Uint8Array): number[] {
  const ids = new Set<number>();
  while (ids.size < count) {
    const b = random(4);
    ids.add(((b[0]! & 0x7f) << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!);
  }
  return [...ids];
}

/** The MSO status reference (ISO 18013-5 2e §12.3.6.2): each list as its CDDL says, and at least one. */
function checkStatusReference(status: MsoStatus): void {
  const lists = [
    ['status_list', status?.status_list, 'idx'],
    ['identifier_list', status?.identifier_list, 'id'],
  ] as const;
  if (lists.every(([, v]) => v === undefined)) throw inputError('status', 'name a status_list or an identifier_list');
  for (const [name, v, key] of lists) {
    if (v === undefined) continue;
    const ref = v as { idx?: unknown; id?: unknown; uri?: unknown; certificate?: unknown };
    const ok = key === 'idx' ? Number.isSafeInteger(ref.idx) && (ref.idx as number) >= 0 : ref.id instanceof Uint8Array;
    if (!ok) throw inputError(`status.${name}.${key}`, key === 'idx' ? 'must be a non-negative integer' : 'must be a byte string');
    if (typeof ref.uri !== 'string' || ref.uri === '') throw inputError(`status.${name}.uri`, 'must be a non-empty string');
    if (ref.certificate !== undefined && !(ref.certificate instanceof Uint8Array)) throw inputError(`status.${name}.certificate`, 'must be DER bytes');
    const extra = Object.keys(ref).filter((k) => k !== key && k !== 'uri' && k !== 'certificate');
    if (extra.length > 0) throw inputError(`status.${name}`, `unknown member ${extra[0]}`);
  }
}

/** Now, or `validFrom` when it is a little earlier: a `validFrom` read from the clock just before. */
function defaultSigned(validFrom: Date): Date {
  const now = Date.now();
  const from = validFrom instanceof Date ? validFrom.getTime() : Number.NaN;
  return from < now && now - from <= 60_000 ? new Date(from) : new Date(now);
}

/**
 * Issue an mdoc: returns IssuerSigned with every element, ready to store in a wallet.
 *
 * @throws MdocError `ERR_MDOC_INPUT` for an empty namespace, a validity window that does
 *   not make sense, a salt shorter than 16 bytes, a chain that includes the IACA, or a DS
 *   certificate whose key is not the signer's; `ERR_MDOC_UNSUPPORTED` for a digest
 *   algorithm 18013-5 does not allow.
 */
export async function issueMdoc(options: IssueMdocOptions): Promise<IssuerSigned> {
  const backend = resolveBackend(options);
  const digestAlgorithm = checkDigestAlgorithm(options.digestAlgorithm ?? 'SHA-256');
  const saltLength = options.saltLength ?? 32;
  if (!Number.isInteger(saltLength) || saltLength < 16) throw inputError('saltLength', 'salts must be at least 16 bytes');
  const { validity } = options;
  const signed = msoDate(validity.signed ?? defaultSigned(validity.validFrom));
  const validFrom = msoDate(validity.validFrom);
  const validUntil = msoDate(validity.validUntil);
  if (validFrom.date < signed.date) throw inputError('validity.validFrom', 'must not be before signed (§9.1.2.4)');
  if (validUntil.date <= validFrom.date) throw inputError('validity.validUntil', 'must be after validFrom');

  if (options.status !== undefined) checkStatusReference(options.status);
  const certificates = options.issuer.certificates;
  if (certificates.length === 0) throw inputError('issuer.certificates', 'the document signer certificate is required');
  try {
    const parsed = certificates.map((c) => parseCertificate(c));
    if (parsed.some((c) => c.selfIssued)) throw inputError('issuer.certificates', 'x5chain must not include the IACA (a self-issued certificate)');
    const dsKey = parsed[0]!.publicKey;
    const signer = options.issuer.signer;
    if ('kty' in signer && dsKey !== null && !sameKey(dsKey, signer)) {
      throw inputError('issuer.certificates[0]', "the DS certificate's key is not the signer's key");
    }
  } catch (e) {
    if (e instanceof X509Error) throw inputError('issuer.certificates', e.message);
    throw e;
  }

  const nameSpaces = new Map<string, IssuerSignedItemBytes[]>();
  const valueDigests = new Map<string, Map<number, Uint8Array>>();
  for (const [ns, elements] of entriesOf(options.nameSpaces)) {
    if (elements.length === 0) throw inputError(`nameSpaces.${ns}`, 'a namespace needs at least one element');
    const ids = randomDigestIds(elements.length, (n) => backend.randomBytes(n));
    const items: IssuerSignedItemBytes[] = [];
    const digests = new Map<number, Uint8Array>();
    for (let i = 0; i < elements.length; i++) {
      const [elementIdentifier, value] = elements[i]!;
      // Normalise the value through the strict decoder, so what is signed is exactly what a verifier reads.
      const elementValue = decode(encode(value), { embedded: 'eager' });
      const item: IssuerSignedItem = { digestID: ids[i]!, random: backend.randomBytes(saltLength), elementIdentifier, elementValue };
      const bytes = encodeEmbedded(encodeIssuerSignedItem(item) as CborValue).map(() => item);
      digests.set(item.digestID, await digestItem(bytes, digestAlgorithm, { backend }));
      items.push(bytes);
    }
    nameSpaces.set(ns, items);
    valueDigests.set(ns, digests);
  }

  const mso: MobileSecurityObject = {
    version: '1.0',
    digestAlgorithm,
    valueDigests,
    deviceKeyInfo: {
      deviceKey: options.deviceKey,
      deviceKeyCose: encodeCoseKey(options.deviceKey),
      ...(options.keyAuthorizations === undefined ? {} : { keyAuthorizations: options.keyAuthorizations }),
    },
    docType: options.docType,
    validityInfo: {
      signed,
      validFrom,
      validUntil,
      ...(validity.expectedUpdate === undefined ? {} : { expectedUpdate: msoDate(validity.expectedUpdate) }),
    },
    ...(options.status === undefined ? {} : { status: options.status }),
  };
  const payload = encode(encodeEmbedded(encodeMobileSecurityObject(mso) as CborValue));
  const issuerAuth = await signCoseSign1({
    payload,
    signer: options.issuer.signer,
    unprotectedHeaders: new Map([[CoseHeader.x5chain, x5chainValue(certificates)]]),
    backend,
  });
  return { nameSpaces, issuerAuth };
}
