/**
 * 券面事項確認AP data (reference §4.5; SOL `surface.rs` on test-card data, tags
 * corroborated by four other implementations):
 *
 * ```
 * EF 0002  FF 20 { DF21 offsets, DF22 birth date YYYYMMDD, DF23 sex, DF24 card public key,
 *                  DF25 name image (PNG), DF26 address image (PNG), DF27 photo (JPEG 2000),
 *                  DF28 signature, DF29 expiry YYYYMMDD, DF2A security-code image (PNG) }
 *          DF28 = RSASSA-PKCS1-v1_5 with the CVC key over
 *                 30 71 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 60
 *                 ‖ SHA256(DF22‖DF23‖DF24 TLVs) ‖ SHA256(DF25‖DF26 TLVs) ‖ SHA256(DF27 TLV)
 *          (DF29 and DF2A are not signed)
 * EF 0005  FF 40 { DF41 My Number image (PNG), DF42 card public key, DF43 signature }
 *          DF43 = RSASSA-PKCS1-v1_5 SHA-256 over the DF41 and DF42 TLVs
 * ```
 */
import type { RsaPublicKey } from '../crypto/types.js';
import { resolveBackend } from '../crypto/index.js';
import { rsaPkcs1VerifyPayload } from '../crypto/rsa.js';
import { JpkiError } from '../errors.js';
import { concat, fromHex } from '../internal/bytes.js';
import { isoDate, parseCompactDate, type SexMeaning, sexMeaning } from './basic-four.js';
import type { CardVerifiableCertificate } from './cvc.js';
import { verifyCvc } from './cvc.js';
import { buildReport, type IntegrityCheck, type IntegrityOptions, type IntegrityReport } from './integrity.js';
import { decodeCardRsaPublicKey } from './rsa-key.js';
import { decodeConstructed, requireTag, type Tlv } from './tlv.js';

/** The prefix of the face signature's payload: a SHA-256 DigestInfo with a 96-byte OCTET STRING. */
export const FACE_SIGNATURE_PREFIX_HEX = '3071300d060960864801650304020105000460';

/** A decoded card face (EF 0002 of the 券面事項確認AP). */
export interface CardFace {
  /** `YYYY-MM-DD` when DF22 is a complete calendar date, else undefined (partial or unknown dates exist). */
  readonly birthDate: string | undefined;
  /** DF22 exactly as on the card (normally `YYYYMMDD`). */
  readonly birthDateRaw: string;
  /** Sex code as on the card (ISO 5218, or another code: kept as is). */
  readonly sex: string;
  /** The meaning of {@link sex} when the code is known. */
  readonly sexMeaning: SexMeaning | undefined;
  /** The card's own public key (DF24). */
  readonly cardPublicKey: RsaPublicKey;
  /** 氏名 as an image (PNG bytes). */
  readonly nameImage: Uint8Array;
  /** 住所 as an image (PNG bytes). */
  readonly addressImage: Uint8Array;
  /** 顔写真, JPEG 2000 (JP2) bytes. */
  readonly photo: Uint8Array;
  /** DF28. */
  readonly signature: Uint8Array;
  /** 有効期限 `YYYY-MM-DD` (not signed). */
  readonly expiryDate: string;
  /** セキュリティコード as an image (PNG bytes; not signed). */
  readonly securityCodeImage: Uint8Array;
  /** The three signed segments as received: DF22‖DF23‖DF24, DF25‖DF26 and DF27 TLVs. */
  readonly signedSegments: readonly [Uint8Array, Uint8Array, Uint8Array];
}

function ascii(t: Tlv): string {
  let s = '';
  for (const b of t.value) {
    if (b < 0x20 || b > 0x7e) throw new JpkiError('ERR_JPKI_DATA', `card face: tag ${t.tag.toString(16)} is not ASCII`, { offset: t.offset });
    s += String.fromCharCode(b);
  }
  return s;
}

/**
 * Decode EF 0002 of the 券面事項確認AP. A birth date that is not a complete date and an
 * unknown sex code are kept raw, not refused. Throws `ERR_JPKI_DATA` for a missing field,
 * non-ASCII text, a bad key or an expiry that is not a date.
 */
export function decodeCardFaceFile(bytes: Uint8Array): CardFace {
  const { children } = decodeConstructed(bytes, 0xff20, 'card face');
  const t = (tag: number) => requireTag(children, tag, 'card face');
  const [d22, d23, d24, d25, d26, d27, d28, d29, d2a] = [0xdf22, 0xdf23, 0xdf24, 0xdf25, 0xdf26, 0xdf27, 0xdf28, 0xdf29, 0xdf2a].map(t) as [Tlv, Tlv, Tlv, Tlv, Tlv, Tlv, Tlv, Tlv, Tlv];
  const birthDateRaw = ascii(d22);
  const sex = ascii(d23);
  return {
    birthDate: parseCompactDate(birthDateRaw),
    birthDateRaw,
    sex,
    sexMeaning: sexMeaning(sex),
    cardPublicKey: decodeCardRsaPublicKey(d24.value),
    nameImage: d25.value.slice(),
    addressImage: d26.value.slice(),
    photo: d27.value.slice(),
    signature: d28.value.slice(),
    expiryDate: isoDate(ascii(d29), 'card face expiry date'),
    securityCodeImage: d2a.value.slice(),
    signedSegments: [concat(d22.raw, d23.raw, d24.raw), concat(d25.raw, d26.raw), d27.raw.slice()],
  };
}

/** A decoded My Number image record (EF 0005 of the 券面事項確認AP). */
export interface MyNumberImage {
  /** The My Number rendered as a PNG. */
  readonly image: Uint8Array;
  readonly cardPublicKey: RsaPublicKey;
  readonly signature: Uint8Array;
  /** The DF41 and DF42 TLVs as received (what DF43 signs). */
  readonly signedBytes: Uint8Array;
}

/** Decode EF 0005 of the 券面事項確認AP. Throws `ERR_JPKI_DATA`. */
export function decodeMyNumberImageFile(bytes: Uint8Array): MyNumberImage {
  const { children } = decodeConstructed(bytes, 0xff40, 'My Number image');
  const d41 = requireTag(children, 0xdf41, 'My Number image');
  const d42 = requireTag(children, 0xdf42, 'My Number image');
  const d43 = requireTag(children, 0xdf43, 'My Number image');
  return { image: d41.value.slice(), cardPublicKey: decodeCardRsaPublicKey(d42.value), signature: d43.value.slice(), signedBytes: concat(d41.raw, d42.raw) };
}

/** The payload DF28 signs: the 96-byte-digest DigestInfo over the three segments. */
export async function cardFaceSignaturePayload(face: CardFace, options: IntegrityOptions = {}): Promise<Uint8Array> {
  const backend = resolveBackend(options);
  const [h1, h2, h3] = await Promise.all(face.signedSegments.map((s) => backend.digest('SHA-256', s)));
  return concat(fromHex(FACE_SIGNATURE_PREFIX_HEX), h1!, h2!, h3!);
}

/**
 * Verify 券面事項確認AP data: the CVC against the anchors, and the face and/or My Number
 * image signatures against the CVC key. Same report rules as the input support AP.
 */
export async function verifySurfaceApIntegrity(
  input: { readonly cvc: CardVerifiableCertificate; readonly face?: CardFace; readonly myNumberImage?: MyNumberImage },
  options: IntegrityOptions = {},
): Promise<IntegrityReport> {
  const backend = resolveBackend(options);
  const checks: IntegrityCheck[] = [];
  const cvcResult = await verifyCvc(input.cvc, options.cvcAnchors ?? [], options);
  checks.push(cvcResult.status === 'unverifiable' ? { id: 'CVC_SIGNATURE', status: 'unverifiable', detail: 'no trust anchor for the CVC issuer' } : { id: 'CVC_SIGNATURE', status: cvcResult.status });
  const safe = (f: () => boolean) => {
    try {
      return f();
    } catch {
      return false;
    }
  };
  if (input.face === undefined) checks.push({ id: 'FACE_SIGNATURE', status: 'skipped' });
  else {
    const face = input.face;
    const payload = await cardFaceSignaturePayload(face, options);
    checks.push({ id: 'FACE_SIGNATURE', status: safe(() => rsaPkcs1VerifyPayload(input.cvc.publicKey, payload, face.signature)) ? 'passed' : 'failed' });
  }
  if (input.myNumberImage === undefined) checks.push({ id: 'MY_NUMBER_IMAGE_SIGNATURE', status: 'skipped' });
  else {
    const img = input.myNumberImage;
    let ok = false;
    try {
      ok = await backend.rsaPkcs1Verify(input.cvc.publicKey, 'SHA-256', img.signedBytes, img.signature);
    } catch {
      ok = false;
    }
    checks.push({ id: 'MY_NUMBER_IMAGE_SIGNATURE', status: ok ? 'passed' : 'failed' });
  }
  return buildReport(checks, input.cvc, cvcResult.status === 'unverifiable' ? undefined : cvcResult.anchor);
}
