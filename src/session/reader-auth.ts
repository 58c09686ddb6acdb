/**
 * Reader authentication as the holder sees it (ISO/IEC 18013-5:2021 §9.1.4, ReaderAuth; the
 * second edition's ReaderAuthAll over the whole request): each signature is verified over this
 * session's transcript with the key of its x5chain's first certificate, that chain is checked
 * against the holder's reader CAs with the Annex B.1.7 reader profile (whose checks may be
 * waived by id, never the chain's own: signature, trust anchor, validity…), and the
 * signatures present are combined into the one identity the consent callback shows.
 */

import type { CoseSign1 } from '../cose/sign1.js';
import type { BackendOptions, PublicKey } from '../crypto/types.js';
import { isShomeiError } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import { readerAuthCertificates } from '../mdoc/index.js';
import { CRL_PROFILE_CHECK_IDS, type Certificate, mdocReaderProfile, parseCertificate, verifyReaderChain, type X509Check } from '../x509/index.js';

/** What the consent callback learns about a reader. */
export interface ReaderIdentity {
  /** The reader certificate, when the signature carried one that parsed. */
  readonly certificate?: Certificate;
  /** The signature (every signature, for a combined identity) verified over this session's transcript. */
  readonly signatureValid: boolean;
  /**
   * The reader certificate chained to one of `readerTrust` and passed the reader profile,
   * waived checks aside (false without trust anchors). For a combined identity: every
   * signature's chain did, and they name one reader certificate.
   */
  readonly trusted: boolean;
  /** Why it is not trusted or not valid: the failed check ids, or what went wrong. */
  readonly detail?: string;
  /** The chain report's checks (a waived profile check shows as `waived`), when `readerTrust` was given. */
  readonly checks?: readonly X509Check[];
}

/** How the holder checks a reader's signatures and chains. */
export interface ReaderAuthOptions extends BackendOptions {
  /** Reader CA certificates; without them readers are never "trusted". */
  readonly readerTrust?: readonly (Certificate | Uint8Array)[];
  /** Annex B reader profile checks (and B.2 CRL profile checks) to waive, by id. */
  readonly waiveReaderChecks?: readonly string[];
  /** Validation time for the certificates; default now. */
  readonly now?: Date;
}

/** The ids `waiveReaderChecks` accepts: the Annex B.1.7 reader profile checks and the B.2 CRL profile checks. */
export function readerWaivableCheckIds(): readonly string[] {
  return [...mdocReaderProfile().checkIds, ...CRL_PROFILE_CHECK_IDS];
}

/**
 * Check a `waiveReaderChecks` option.
 * @throws TypeError when it is not an array; RangeError naming the valid ids for an id that
 *   is not a waivable reader check (the chain's own checks, SIGNATURE, TRUST_ANCHOR,
 *   VALIDITY…, never are).
 */
export function checkWaiveReaderChecks(waive: unknown): void {
  if (waive === undefined) return;
  if (!Array.isArray(waive)) throw new TypeError('options.waiveReaderChecks must be an array of check ids');
  const valid = readerWaivableCheckIds();
  for (const id of waive) {
    if (typeof id !== 'string' || !valid.includes(id)) {
      throw new RangeError(`options.waiveReaderChecks: ${JSON.stringify(id)} is not a waivable Annex B reader check; valid ids: ${valid.join(', ')}`);
    }
  }
}

/**
 * The identity one ReaderAuth or ReaderAuthAll signature proves. `verify` checks the
 * signature with the certificate's key over the bytes it must cover. Never throws for bad
 * data: a broken signature or chain is an identity that is not valid, with a detail.
 */
export async function readerIdentity(signature: CoseSign1, verify: (key: PublicKey) => Promise<boolean>, options: ReaderAuthOptions): Promise<ReaderIdentity> {
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  try {
    const chain = readerAuthCertificates(signature);
    if (chain.length === 0) return { signatureValid: false, trusted: false, detail: 'the signature has no x5chain' };
    const certificate = parseCertificate(chain[0]!);
    const key = certificate.publicKey;
    const signatureValid = key !== null && key.kty !== 'RSA' && (await verify(key));
    if (options.readerTrust === undefined || options.readerTrust.length === 0) return { certificate, signatureValid, trusted: false };
    const report = await verifyReaderChain(chain, {
      anchors: options.readerTrust,
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.waiveReaderChecks === undefined ? {} : { waive: options.waiveReaderChecks }),
      ...backend,
    });
    const failed = report.checks.filter((c) => c.status === 'failed').map((c) => c.id);
    return { certificate, signatureValid, trusted: report.valid, ...(failed.length === 0 ? {} : { detail: failed.join(', ') }), checks: report.checks };
  } catch (e) {
    if (isShomeiError(e)) return { signatureValid: false, trusted: false, detail: e.message };
    throw e;
  }
}

/**
 * Combine the identities of the signatures present (ReaderAuthAll first, then the
 * DocRequest's ReaderAuth), each labelled: one is returned as it is; several are valid only
 * when every signature is, trusted only when every chain is and all name the same reader
 * certificate, and each failure is named in `detail`. Undefined when none is present.
 */
export function combineReaderIdentities(parts: readonly (readonly [label: string, identity: ReaderIdentity])[]): ReaderIdentity | undefined {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0]![1];
  const details: string[] = [];
  for (const [label, id] of parts) {
    if (!id.signatureValid) details.push(`${label}: the signature does not verify`);
    if (id.detail !== undefined) details.push(`${label}: ${id.detail}`);
  }
  const first = parts[0]![1].certificate;
  const oneReader = parts.every(([, id]) => id.certificate !== undefined && first !== undefined && equalBytes(id.certificate.der, first.der));
  if (!oneReader) details.push(`${parts.map(([label]) => label).join(' and ')} are signed with different reader certificates`);
  return {
    ...(first === undefined ? {} : { certificate: first }),
    signatureValid: parts.every(([, id]) => id.signatureValid),
    trusted: oneReader && parts.every(([, id]) => id.trusted),
    ...(details.length === 0 ? {} : { detail: details.join('; ') }),
  };
}
