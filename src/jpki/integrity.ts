/**
 * Integrity of the 券面事項入力補助AP's data (reference §4.4): EF 0003 holds SHA-256
 * digests of EF 0001 and EF 0002 and the AP key's signature over them; EF 0004's CVC
 * certifies that key; a configured CA key ({@link CvcTrustAnchor}) certifies the CVC.
 *
 * ```
 * FF 30 82 01 4B
 *   DF 31 20 <32>         SHA-256 over EF 0001's physical content (every byte, filler included; 17 on the documented cards)
 *   DF 32 20 <32>         SHA-256 over EF 0002 from the DF22 TLV to the end of the object
 *   DF 33 82 01 00 <256>  RSASSA-PKCS1-v1_5 SHA-256 over the DF31 and DF32 TLVs as written
 * ```
 *
 * The report fails closed: `valid` only when every check passed. Without an anchor for
 * the CVC's issuer the result is `unverifiable`, never `valid`.
 */
import { resolveBackend } from '../crypto/index.js';
import type { BackendOptions } from '../crypto/types.js';
import { JpkiError } from '../errors.js';
import { constantTimeEqual } from '../internal/bytes.js';
import { type CardVerifiableCertificate, type CvcTrustAnchor, formatKeyId, verifyCvc } from './cvc.js';
import { decodeConstructed, requireTag } from './tlv.js';

/** A decoded EF 0003 of the 券面事項入力補助AP. */
export interface IntegrityRecord {
  /** DF31: SHA-256 of EF 0001 (physical content). */
  readonly myNumberDigest: Uint8Array;
  /** DF32: SHA-256 of EF 0002's digest source. */
  readonly basicFourDigest: Uint8Array;
  /** DF33: the AP key's signature. */
  readonly signature: Uint8Array;
  /** The bytes DF33 signs: the DF31 and DF32 TLVs as received. */
  readonly signedBytes: Uint8Array;
}

/** Decode EF 0003 (filler after the object ignored). Throws `ERR_JPKI_DATA`. */
export function decodeIntegrityRecord(bytes: Uint8Array): IntegrityRecord {
  const { outer, children } = decodeConstructed(bytes, 0xff30, 'integrity record');
  const d31 = requireTag(children, 0xdf31, 'integrity record');
  const d32 = requireTag(children, 0xdf32, 'integrity record');
  const d33 = requireTag(children, 0xdf33, 'integrity record');
  if (d31.value.length !== 32 || d32.value.length !== 32) throw new JpkiError('ERR_JPKI_DATA', 'integrity record digests are not 32 bytes');
  // DF33 signs everything before it inside the outer value: the digests read must be there.
  if (d31.offset > d33.offset || d32.offset > d33.offset) throw new JpkiError('ERR_JPKI_DATA', 'integrity record: a digest comes after DF33, outside the bytes it signs', { offset: d33.offset });
  const signedEnd = d33.offset - outer.headerLength;
  return {
    myNumberDigest: d31.value.slice(),
    basicFourDigest: d32.value.slice(),
    signature: d33.value.slice(),
    signedBytes: outer.value.slice(0, signedEnd),
  };
}

/** Stable ids of the integrity checks. */
export const IntegrityCheckId = {
  /** The CVC is signed by a configured CA key. */
  CVC_SIGNATURE: 'CVC_SIGNATURE',
  /** The signed record (EF 0003 DF33, or a 券面 signature) verifies with the CVC's key. */
  RECORD_SIGNATURE: 'RECORD_SIGNATURE',
  /** EF 0001's SHA-256 equals DF31. */
  MY_NUMBER_DIGEST: 'MY_NUMBER_DIGEST',
  /** EF 0002's digest source's SHA-256 equals DF32. */
  BASIC_FOUR_DIGEST: 'BASIC_FOUR_DIGEST',
  /** The 券面事項確認AP card-face signature (DF28) verifies with the CVC's key. */
  FACE_SIGNATURE: 'FACE_SIGNATURE',
  /** The 券面事項確認AP My Number image signature (DF43) verifies with the CVC's key. */
  MY_NUMBER_IMAGE_SIGNATURE: 'MY_NUMBER_IMAGE_SIGNATURE',
} as const;

/** An integrity check id. */
export type IntegrityCheckId = (typeof IntegrityCheckId)[keyof typeof IntegrityCheckId];

/** One check's outcome. `unverifiable`: no trust anchor for it; `skipped`: its data was not read. */
export interface IntegrityCheck {
  readonly id: IntegrityCheckId;
  readonly status: 'passed' | 'failed' | 'unverifiable' | 'skipped';
  readonly detail?: string;
}

/** The result of an integrity verification. */
export interface IntegrityReport {
  /** `valid` only when every check passed; `invalid` when any failed; else `unverifiable`. */
  readonly status: 'valid' | 'invalid' | 'unverifiable';
  /** `status === 'valid'`. */
  readonly valid: boolean;
  readonly checks: readonly IntegrityCheck[];
  /** The CVC's issuer and subject key ids, readable. */
  readonly issuerKeyId: string;
  readonly subjectKeyId: string;
  /** The label of the anchor that verified the CVC, if one did. */
  readonly anchor?: string;
}

/** Combine checks into a report (internal; shared with the 券面事項確認AP). */
export function buildReport(checks: IntegrityCheck[], cvc: CardVerifiableCertificate, anchor: CvcTrustAnchor | undefined): IntegrityReport {
  const failed = checks.some((c) => c.status === 'failed');
  const open = checks.some((c) => c.status !== 'passed' && c.status !== 'skipped');
  const status = failed ? 'invalid' : open ? 'unverifiable' : 'valid';
  const report = { status, valid: status === 'valid', checks, issuerKeyId: formatKeyId(cvc.issuerKeyId), subjectKeyId: formatKeyId(cvc.subjectKeyId) } as const;
  return anchor?.label !== undefined && !failed ? { ...report, anchor: anchor.label } : report;
}

/** What {@link verifySupportApIntegrity} checks. */
export interface SupportApIntegrityInput {
  readonly record: IntegrityRecord;
  readonly cvc: CardVerifiableCertificate;
  /** EF 0001's physical content (all bytes read, filler included), if read. */
  readonly myNumberFile?: Uint8Array;
  /** EF 0002's digest source ({@link BasicFourFile.digestSource}), if read. */
  readonly basicFourDigestSource?: Uint8Array;
}

/** Options of the integrity verifications. */
export interface IntegrityOptions extends BackendOptions {
  /** CA keys trusted to issue CVCs. None by default: the result is then `unverifiable`. */
  readonly cvcAnchors?: readonly CvcTrustAnchor[];
}

/**
 * Verify the 券面事項入力補助AP's integrity record: the CVC against the anchors, DF33
 * against the CVC key, and the digests of whichever EFs were read.
 */
export async function verifySupportApIntegrity(input: SupportApIntegrityInput, options: IntegrityOptions = {}): Promise<IntegrityReport> {
  const backend = resolveBackend(options);
  const checks: IntegrityCheck[] = [];
  const cvcResult = await verifyCvc(input.cvc, options.cvcAnchors ?? [], options);
  checks.push(
    cvcResult.status === 'unverifiable'
      ? { id: 'CVC_SIGNATURE', status: 'unverifiable', detail: `no trust anchor for CVC issuer ${formatKeyId(input.cvc.issuerKeyId)}` }
      : { id: 'CVC_SIGNATURE', status: cvcResult.status },
  );
  let sigOk = false;
  try {
    sigOk = await backend.rsaPkcs1Verify(input.cvc.publicKey, 'SHA-256', input.record.signedBytes, input.record.signature);
  } catch {
    sigOk = false;
  }
  checks.push({ id: 'RECORD_SIGNATURE', status: sigOk ? 'passed' : 'failed' });
  const digestCheck = async (id: IntegrityCheckId, data: Uint8Array | undefined, expected: Uint8Array) => {
    if (data === undefined) return checks.push({ id, status: 'skipped' });
    const ok = constantTimeEqual(await backend.digest('SHA-256', data), expected);
    return checks.push({ id, status: ok ? 'passed' : 'failed' });
  };
  await digestCheck('MY_NUMBER_DIGEST', input.myNumberFile, input.record.myNumberDigest);
  await digestCheck('BASIC_FOUR_DIGEST', input.basicFourDigestSource, input.record.basicFourDigest);
  return buildReport(checks, input.cvc, cvcResult.status === 'unverifiable' ? undefined : cvcResult.anchor);
}
