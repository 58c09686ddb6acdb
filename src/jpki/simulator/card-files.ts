/**
 * Builds the virtual card's card-info EFs from a {@link TestIdentity}, signed with the
 * fixed test keys so that every integrity check of `../integrity.ts` and `../surface.ts`
 * passes (and any tampering fails). Layouts: reference §4.2–§4.5.
 */
import { lazyNobleBackend as nobleBackend } from '../../crypto/lazy.js';
import { type RsaPrivateKey, rsaPkcs1SignDigest, rsaPkcs1SignPayload, rsaPublicKeyOf } from '../../crypto/rsa.js';
import { concat, fromHex, utf8Encode } from '../../internal/bytes.js';
import type { CvcTrustAnchor } from '../cvc.js';
import { encodeCardRsaPublicKey } from '../rsa-key.js';
import { FACE_SIGNATURE_PREFIX_HEX } from '../surface.js';
import { encodeTlv } from '../tlv.js';
import type { TestIdentity } from './identity.js';
import { placeholderJp2, placeholderPng } from './images.js';
import { testKey } from './test-keys.js';

const ascii = (s: string) => utf8Encode(s);
const sha256 = (data: Uint8Array) => nobleBackend.digest('SHA-256', data);
const compact = (date: string) => date.replaceAll('-', '');

/** A 16-byte CVC key id: 7 ASCII digits ‖ 08 05 ‖ 3 ASCII digits ‖ 00 00 00 00. */
export function cvcKeyId(seven: string, three: string): Uint8Array {
  return concat(ascii(seven), Uint8Array.of(0x08, 0x05), ascii(three), new Uint8Array(4));
}

/** TEST ONLY: key ids of the test CVC issuers (no real key id starts with 9). */
export const TEST_CVC_ISSUER = {
  support: cvcKeyId('9000033', '001'),
  surface: cvcKeyId('9000023', '001'),
} as const;

/** TEST ONLY: the trust anchors that verify the virtual card's CVCs. */
export function testCvcAnchors(): CvcTrustAnchor[] {
  return [
    { label: '9000033/001 (shomei TEST)', keyId: TEST_CVC_ISSUER.support, publicKey: rsaPublicKeyOf(testKey('supportCvcCa')) },
    { label: '9000023/001 (shomei TEST)', keyId: TEST_CVC_ISSUER.surface, publicKey: rsaPublicKeyOf(testKey('surfaceCvcCa')) },
  ];
}

async function buildCvc(issuerKeyId: Uint8Array, subjectKeyId: Uint8Array, subject: RsaPrivateKey, issuer: RsaPrivateKey): Promise<Uint8Array> {
  const body = concat(issuerKeyId, subjectKeyId, encodeCardRsaPublicKey(rsaPublicKeyOf(subject)));
  const signature = rsaPkcs1SignDigest(issuer, 'SHA-256', await sha256(body));
  return encodeTlv(0x7f21, encodeTlv(0x5f4e, body), encodeTlv(0x5f37, signature));
}

/**
 * TEST ONLY: shapes of real-card data that the default files do not have (issue 14). The
 * digests and signatures are computed over the odd data, so integrity still passes, and
 * tampering still fails it.
 */
export interface CardDataShape {
  /** The sex code written raw to EF 0002 DF25 (input support) and DF23 (card face), e.g. `'3'` (default: the identity's). */
  readonly sexCode?: string;
  /**
   * The birth date written raw to EF 0002 DF24 (input support) and DF22 (card face), e.g.
   * `'19800000'` for a partial date (default: the identity's as `YYYYMMDD`). The identity's
   * date still drives 照合番号B and the birth-date key.
   */
  readonly birthDateRaw?: string;
  /** The DF21 offset table written to EF 0002 of the input support AP, instead of the true offsets. */
  readonly basicFourOffsets?: readonly number[];
  /** How many `FF` filler bytes follow the My Number TLV in EF 0001 (default 2: 17 bytes). */
  readonly myNumberFiller?: number;
}

/** Encode an `FF xx` record whose first child is a DF21 offset table of the fields that follow. */
function recordWithOffsets(tag: number, tableTag: number, fields: Uint8Array[], forced?: readonly number[]): Uint8Array {
  const tableLength = 3 + 2 * fields.length;
  const valueLength = tableLength + fields.reduce((n, f) => n + f.length, 0);
  const header = encodeTlv(tag, new Uint8Array(valueLength)).length - valueLength;
  const offsets = new Uint8Array(2 * fields.length);
  let at = header + tableLength;
  fields.forEach((f, i) => {
    offsets[2 * i] = at >> 8;
    offsets[2 * i + 1] = at & 0xff;
    at += f.length;
  });
  if (forced !== undefined) {
    const table = new Uint8Array(2 * forced.length);
    forced.forEach((o, i) => {
      table[2 * i] = o >> 8;
      table[2 * i + 1] = o & 0xff;
    });
    return encodeTlv(tag, encodeTlv(tableTag, table), ...fields);
  }
  return encodeTlv(tag, encodeTlv(tableTag, offsets), ...fields);
}

const FILLER = (n: number) => new Uint8Array(n).fill(0xff);

/** The EFs of the 券面事項入力補助AP. */
export interface SupportApFiles {
  readonly myNumber: Uint8Array;
  readonly basicFour: Uint8Array;
  readonly integrity: Uint8Array;
  readonly cvc: Uint8Array;
  readonly basicInfo: Uint8Array;
}

/** Build EF 0001–0005 of the 券面事項入力補助AP for `identity`. */
export async function buildSupportApFiles(identity: TestIdentity, shape: CardDataShape = {}): Promise<SupportApFiles> {
  const apKey = testKey('supportApKey');
  const subjectKeyId = cvcKeyId(`${identity.municipalityCode}21`, '000');
  const myNumber = concat(encodeTlv(0xff10, ascii(identity.myNumber)), FILLER(shape.myNumberFiller ?? 2));
  const fields = [
    encodeTlv(0xdf22, utf8Encode(identity.name)),
    encodeTlv(0xdf23, utf8Encode(identity.address)),
    encodeTlv(0xdf24, ascii(shape.birthDateRaw ?? compact(identity.birthDate))),
    encodeTlv(0xdf25, ascii(shape.sexCode ?? identity.sex)),
  ];
  const basicFourObject = recordWithOffsets(0xff20, 0xdf21, fields, shape.basicFourOffsets);
  const basicFour = concat(basicFourObject, FILLER(32));
  const d31 = encodeTlv(0xdf31, await sha256(myNumber));
  const d32 = encodeTlv(0xdf32, await sha256(concat(...fields)));
  const signed = concat(d31, d32);
  const integrity = encodeTlv(0xff30, signed, encodeTlv(0xdf33, rsaPkcs1SignDigest(apKey, 'SHA-256', await sha256(signed))));
  const cvc = await buildCvc(TEST_CVC_ISSUER.support, subjectKeyId, apKey, testKey('supportCvcCa'));
  const basicInfo = encodeTlv(0xff40, encodeTlv(0xdf41, fromHex('01030e01')), encodeTlv(0xdf42, subjectKeyId), encodeTlv(0xdf43, new Uint8Array(128)));
  return { myNumber, basicFour, integrity, cvc, basicInfo };
}

/** The EFs of the 券面事項確認AP. */
export interface SurfaceApFiles {
  readonly age: Uint8Array;
  readonly face: Uint8Array;
  readonly basicInfo: Uint8Array;
  readonly cvc: Uint8Array;
  readonly myNumberImage: Uint8Array;
}

/** Build EF 0001–0005 of the 券面事項確認AP for `identity`. */
export async function buildSurfaceApFiles(identity: TestIdentity, shape: CardDataShape = {}): Promise<SurfaceApFiles> {
  const apKey = testKey('surfaceApKey');
  const keyTlvValue = encodeCardRsaPublicKey(rsaPublicKeyOf(apKey));
  const subjectKeyId = cvcKeyId(`${identity.municipalityCode}22`, '000');
  const signTlvs = async (...tlvs: Uint8Array[]) => rsaPkcs1SignDigest(apKey, 'SHA-256', await sha256(concat(...tlvs)));

  const d11 = encodeTlv(0xdf11, ascii(compact(identity.birthDate)));
  const d12 = encodeTlv(0xdf12, keyTlvValue);
  const age = encodeTlv(0xff10, d11, d12, encodeTlv(0xdf13, await signTlvs(d11, d12)));

  const seg1 = [encodeTlv(0xdf22, ascii(shape.birthDateRaw ?? compact(identity.birthDate))), encodeTlv(0xdf23, ascii(shape.sexCode ?? identity.sex)), encodeTlv(0xdf24, keyTlvValue)];
  const seg2 = [encodeTlv(0xdf25, placeholderPng()), encodeTlv(0xdf26, placeholderPng())];
  const seg3 = encodeTlv(0xdf27, placeholderJp2());
  const payload = concat(fromHex(FACE_SIGNATURE_PREFIX_HEX), await sha256(concat(...seg1)), await sha256(concat(...seg2)), await sha256(seg3));
  const d28 = encodeTlv(0xdf28, rsaPkcs1SignPayload(apKey, payload));
  const face = concat(
    recordWithOffsets(0xff20, 0xdf21, [...seg1, ...seg2, seg3, d28, encodeTlv(0xdf29, ascii(compact(identity.expiryDate))), encodeTlv(0xdf2a, placeholderPng())]),
    FILLER(32),
  );

  const basicInfo = encodeTlv(
    0xff30,
    encodeTlv(0xdf31, fromHex('06030e01')),
    encodeTlv(0xdf32, subjectKeyId),
    encodeTlv(0xdf33, Uint8Array.of(1)),
    encodeTlv(0xdf34, ascii(identity.municipalityCode)),
    encodeTlv(0xdf35, new Uint8Array(16 + 256)),
  );
  const cvc = await buildCvc(TEST_CVC_ISSUER.surface, subjectKeyId, apKey, testKey('surfaceCvcCa'));
  const d41 = encodeTlv(0xdf41, placeholderPng());
  const d42 = encodeTlv(0xdf42, keyTlvValue);
  const myNumberImage = encodeTlv(0xff40, d41, d42, encodeTlv(0xdf43, await signTlvs(d41, d42)));
  return { age, face, basicInfo, cvc, myNumberImage };
}

/** Record 1 of the `…0100` AP's EF 0001: `01 1C` serial ‖ municipality ‖ expiry. */
export function buildCommonCardInfoRecord(identity: TestIdentity): Uint8Array {
  const serial = `9${identity.myNumber.slice(0, 11)}000`.slice(0, 15);
  return concat(Uint8Array.of(0x01, 0x1c), ascii(serial + identity.municipalityCode + compact(identity.expiryDate)));
}
