/**
 * Verifying what Apple's ProximityReader hands an iPhone reader app ("Tap to Present ID on
 * iPhone"): the raw-data requests (`MobileDriversLicenseRawDataRequest`,
 * `MobileNationalIDCardRawDataRequest` for the My Number Card, `MobilePhotoIDRawDataRequest`,
 * `MobileDocumentAnyOfRawDataRequest`) answer with `responseData`, `sessionTranscript` and,
 * from iOS 26.4, `ephemeralReaderKey`, which the app sends to its server.
 *
 * Apple documents none of the three encodings. What is known (research notes, from iOS's own
 * frameworks): `responseData` is the holder's DeviceResponse as received (verified over
 * those bytes); `sessionTranscript` is most likely SessionTranscriptBytes (tag 24), and the
 * bare array or a plain byte string around it are read too; `ephemeralReaderKey` is the
 * reader's ephemeral private key (needed for a deviceMac only), most likely CryptoKit's raw
 * scalar. Since its encoding is not published, the key is read in each encoding it could
 * have (raw scalar, X9.63, PKCS #8, SEC1, PEM, COSE_Key) and accepted only in the one whose
 * public key is the EReaderKey inside the transcript: a guess that does not match is never
 * used, so no reading of these bytes can make a MAC verify that the reader's session did not
 * produce.
 */

import { type CborValue, decode, EncodedCbor } from '../cbor/index.js';
import { decodeCoseKey } from '../cose/key.js';
import { decodeCosePublicKey } from '../cose/public-key.js';
import { ecPrivateKeyFromScalar, okpPrivateKeyFromSeed } from '../crypto/key-from-secret.js';
import { curveFieldSize } from '../crypto/keys.js';
import type { EcPrivateKey, OkpPrivateKey, PublicKey } from '../crypto/types.js';
import { isShomeiError, MdocError } from '../errors.js';
import { equalBytes, leftPad, utf8Decode, utf8Encode } from '../internal/bytes.js';
import { DerReader, decodeOid, decodeSmallInteger, readSingleTagged, Tag } from '../x509/der.js';
import { AlgorithmOid } from '../x509/oids.js';
import { parsePem } from '../x509/pem.js';
import { readSessionTranscript } from './device-auth.js';
import type { VerifyDeviceResponseResult } from './report.js';
import { type VerifyDeviceResponseOptions, verifyDeviceResponse } from './verify.js';

/** What ProximityReader's raw-data `Response` holds, as bytes (`Data` on the phone). */
export interface ProximityReaderRawResponse {
  /** `responseData`: the holder's DeviceResponse. */
  readonly responseData: Uint8Array;
  /** `sessionTranscript`: SessionTranscriptBytes (tag 24), the bare array, or a byte string holding the array. */
  readonly sessionTranscript: Uint8Array;
  /** `ephemeralReaderKey` (iOS 26.4+): the reader's ephemeral private key; needed to verify a deviceMac. */
  readonly ephemeralReaderKey?: Uint8Array;
}

/** How the sessionTranscript was sent. */
export type TranscriptForm = 'tagged' | 'array' | 'bstr';

/** The encoding the ephemeralReaderKey was read in. */
export type ReaderKeyFormat = 'raw' | 'x963' | 'pkcs8' | 'sec1' | 'pem' | 'cose-key';

/** A verification report plus how the raw values were read. */
export interface ProximityReaderVerification extends VerifyDeviceResponseResult {
  readonly sessionTranscriptForm: TranscriptForm;
  /** Undefined when no ephemeralReaderKey was given. */
  readonly readerKeyFormat: ReaderKeyFormat | undefined;
}

/** Options: those of `verifyDeviceResponse`, without the transcript and reader key (they come from the response). */
export type VerifyProximityReaderOptions = Omit<VerifyDeviceResponseOptions, 'sessionTranscript' | 'eReaderKey'>;

function inputError(message: string, cause?: unknown): MdocError {
  return new MdocError('ERR_MDOC_STRUCTURE', message, { path: 'proximityReader', ...(cause === undefined ? {} : { cause }) });
}

/** Decode `bytes` as one CBOR item, or undefined when they are not one. */
function tryDecode(bytes: Uint8Array): CborValue | undefined {
  try {
    return decode(bytes, { embedded: 'eager', maxDepth: 16 });
  } catch (e) {
    if (isShomeiError(e)) return undefined;
    throw e;
  }
}

/**
 * The SessionTranscript bytes as `verifyDeviceResponse` takes them (tag 24 or the array),
 * with the form they came in and the EReaderKey inside (undefined for a transcript without
 * one, as OpenID4VP's).
 * @throws MdocError `ERR_MDOC_STRUCTURE` for anything else.
 */
export function readProximityTranscript(bytes: Uint8Array): { transcript: Uint8Array; form: TranscriptForm; eReaderKey: PublicKey | undefined } {
  let transcript = bytes;
  let form: TranscriptForm = bytes[0] === 0xd8 ? 'tagged' : 'array';
  if (bytes[0] !== undefined && bytes[0] >= 0x40 && bytes[0] <= 0x5b) {
    const inner = tryDecode(bytes);
    if (!(inner instanceof Uint8Array) || inner[0] !== 0x83) throw inputError('sessionTranscript: a byte string that does not hold a SessionTranscript array');
    transcript = inner;
    form = 'bstr';
  }
  let value: readonly CborValue[];
  try {
    value = readSessionTranscript(transcript).value;
  } catch (e) {
    if (isShomeiError(e)) throw inputError(`sessionTranscript: ${e.message}`, e);
    throw e;
  }
  const keyBytes = value[1];
  if (keyBytes === null) return { transcript, form, eReaderKey: undefined };
  if (!(keyBytes instanceof EncodedCbor)) throw inputError('sessionTranscript: EReaderKeyBytes is not tag 24');
  try {
    return { transcript, form, eReaderKey: decodeCosePublicKey(keyBytes.value as CborValue).key };
  } catch (e) {
    if (isShomeiError(e)) throw inputError(`sessionTranscript: EReaderKey: ${e.message}`, e);
    throw e;
  }
}

/** The secret a PKCS #8 PrivateKeyInfo (RFC 5958) or SEC1 ECPrivateKey (RFC 5915) holds, if it is one of those. */
function derSecret(der: Uint8Array, size: number): { d: Uint8Array; format: 'pkcs8' | 'sec1' } | undefined {
  try {
    const r = DerReader.inside(readSingleTagged(der, Tag.SEQUENCE, 'private key'), 'private key');
    const version = decodeSmallInteger(r.expect(Tag.INTEGER, 'version'), 'version');
    if (r.peekTag() === Tag.OCTET_STRING && version === 1) return { d: leftPad(r.next('privateKey').content, size), format: 'sec1' };
    const alg = DerReader.inside(r.expect(Tag.SEQUENCE, 'privateKeyAlgorithm'), 'privateKeyAlgorithm');
    const oid = decodeOid(alg.expect(Tag.OID, 'algorithm'), 'algorithm');
    const inner = r.expect(Tag.OCTET_STRING, 'privateKey').content;
    if (oid === X25519_OID) return { d: readSingleTagged(inner, Tag.OCTET_STRING, 'CurvePrivateKey').content, format: 'pkcs8' };
    if (oid !== AlgorithmOid.ecPublicKey) return undefined;
    const sec1 = DerReader.inside(readSingleTagged(inner, Tag.SEQUENCE, 'ECPrivateKey'), 'ECPrivateKey');
    if (decodeSmallInteger(sec1.expect(Tag.INTEGER, 'version'), 'version') !== 1) return undefined;
    return { d: leftPad(sec1.expect(Tag.OCTET_STRING, 'privateKey').content, size), format: 'pkcs8' };
  } catch (e) {
    if (isShomeiError(e)) return undefined;
    throw e;
  }
}

const X25519_OID = '1.3.101.110';
/** `-----BEGIN ` in ASCII. */
const PEM_START = /*#__PURE__*/ utf8Encode('-----BEGIN ');

/** Every reading of `bytes` as a private key's secret, in the encodings Apple's key types export. */
function candidates(bytes: Uint8Array, pub: PublicKey): { d: Uint8Array; format: ReaderKeyFormat }[] {
  const size = pub.kty === 'EC' ? curveFieldSize(pub.crv) : 32;
  const out: { d: Uint8Array; format: ReaderKeyFormat }[] = [];
  if (bytes.length === size) out.push({ d: bytes, format: 'raw' });
  if (bytes.length === 1 + 3 * size && bytes[0] === 0x04) out.push({ d: bytes.subarray(1 + 2 * size), format: 'x963' });
  if (bytes[0] === 0x30) {
    const der = derSecret(bytes, size);
    if (der !== undefined) out.push(der);
  }
  if (bytes.length < 16_384 && equalBytes(bytes.subarray(0, PEM_START.length), PEM_START)) {
    try {
      for (const block of parsePem(utf8Decode(bytes))) {
        const der = derSecret(block.der, size);
        if (der !== undefined) out.push({ d: der.d, format: 'pem' });
      }
    } catch (e) {
      // Not PEM after all: invalid UTF-8 (TypeError from the strict decoder) or a bad block.
      if (!isShomeiError(e) && !(e instanceof TypeError)) throw e;
    }
  }
  if (bytes[0] !== undefined && bytes[0] >= 0xa0 && bytes[0] <= 0xbf) {
    try {
      const key = decodeCoseKey(bytes).key;
      if ('d' in key && key.d !== undefined) out.push({ d: key.d, format: 'cose-key' });
    } catch (e) {
      if (!isShomeiError(e)) throw e;
    }
  }
  return out;
}

/**
 * The reader's ephemeral private key from ProximityReader's `ephemeralReaderKey`, read in
 * whichever encoding gives the private key of `eReaderKey` (the public key in the
 * sessionTranscript).
 * @throws MdocError `ERR_MDOC_STRUCTURE` when no reading of the bytes is that key.
 */
export function readEphemeralReaderKey(bytes: Uint8Array, eReaderKey: PublicKey): { key: EcPrivateKey | OkpPrivateKey; format: ReaderKeyFormat } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('ephemeralReaderKey must be a Uint8Array');
  const tried: ReaderKeyFormat[] = [];
  for (const { d, format } of candidates(bytes, eReaderKey)) {
    tried.push(format);
    let key: EcPrivateKey | OkpPrivateKey;
    try {
      key = eReaderKey.kty === 'EC' ? ecPrivateKeyFromScalar(eReaderKey.crv, d) : okpPrivateKeyFromSeed(eReaderKey.crv, d);
    } catch (e) {
      if (isShomeiError(e)) continue;
      throw e;
    }
    if (equalBytes(key.x, eReaderKey.x) && (key.kty === 'OKP' || (eReaderKey.kty === 'EC' && equalBytes(key.y, eReaderKey.y)))) return { key, format };
  }
  const read = tried.length === 0 ? `no encoding fits its ${bytes.length} bytes` : `read as ${tried.join(', ')}`;
  throw inputError(`ephemeralReaderKey is not the private key of the sessionTranscript's ${eReaderKey.crv} EReaderKey (${read})`);
}

/**
 * Verify a ProximityReader raw-data response: the DeviceResponse against the transcript the
 * iPhone reader built, with the reader's ephemeral key for a deviceMac. The report is
 * `verifyDeviceResponse`'s, plus how the transcript and key were encoded.
 *
 * @throws MdocError `ERR_MDOC_STRUCTURE` when the sessionTranscript is not one, or when an
 *   ephemeralReaderKey is given that is not the private key of its EReaderKey (a mix-up in
 *   the app's plumbing: the key of another session, or the public key).
 */
export async function verifyProximityReaderResponse(
  raw: ProximityReaderRawResponse,
  options: VerifyProximityReaderOptions,
): Promise<ProximityReaderVerification> {
  if (!(raw.responseData instanceof Uint8Array)) throw new TypeError('responseData must be a Uint8Array');
  if (!(raw.sessionTranscript instanceof Uint8Array)) throw new TypeError('sessionTranscript must be a Uint8Array');
  const { transcript, form, eReaderKey } = readProximityTranscript(raw.sessionTranscript);
  let reader: { key: EcPrivateKey | OkpPrivateKey; format: ReaderKeyFormat } | undefined;
  if (raw.ephemeralReaderKey !== undefined) {
    if (eReaderKey === undefined) throw inputError('an ephemeralReaderKey was given but the sessionTranscript has no EReaderKey');
    reader = readEphemeralReaderKey(raw.ephemeralReaderKey, eReaderKey);
  }
  const result = await verifyDeviceResponse(raw.responseData, { ...options, sessionTranscript: transcript, ...(reader === undefined ? {} : { eReaderKey: reader.key }) });
  return { ...result, sessionTranscriptForm: form, readerKeyFormat: reader?.format };
}
