/**
 * The server half of a My Number Card login (公的個人認証 利用者証明): the server sends a
 * nonce, the card signs it with the 利用者証明用 key (RSASSA-PKCS1-v1_5, RFC 8017 §8.2, over
 * a DigestInfo, with `80 2A 00 80`: see `MyNumberCard.signWithAuthKey`), and the server
 * checks the signature, the 利用者証明用電子証明書 (its chain to the J-LIS 利用者証明用 CA,
 * RFC 5280 §6.1; the auth policy 1.2.392.200149.8.5.1.3.30, reference §5.2; validity) and
 * its status (OCSP, RFC 6960, and/or CRLs, per the caller's policy: see `cert-status.ts`).
 *
 * Signature forms accepted (each reported by `form` and `hash`):
 * - `message`: DigestInfo(hash(challenge)) — what `signWithAuthKey` and the JPKI client
 *   software send; SHA-256 by default, SHA-384/512 too, SHA-1 only when listed in `hashes`.
 * - `digest-info`: the challenge is itself a DER DigestInfo and the client passed it to the
 *   card as is (`80 2A` signs the bytes it is given).
 *
 * A certificate with an EC key (P-256, P-384, P-521: a key held in a phone's secure element
 * rather than on the card, should J-LIS issue one) is checked the same way with ECDSA (FIPS
 * 186-5 §6.4.2) over hash(challenge), form `message`: the signature is a DER ECDSA-Sig-Value
 * (RFC 3279 §2.2.3, what Android's `SHA256withECDSA` and Apple's X9.62 signatures are), read
 * strictly; a raw r || s is refused. There is no `digest-info` form for ECDSA.
 *
 * Returns a report of named checks (`JpkiAuthCheckId`); `valid` is true only when every
 * required check passed or was skipped by policy. Bad input never throws: it fails a check.
 */
import { resolveBackend } from '../crypto/index.js';
import { DIGEST_INFO_PREFIX, rsaPkcs1VerifyDigest, rsaPkcs1VerifyPayload } from '../crypto/rsa.js';
import type { BackendOptions, HashAlg } from '../crypto/types.js';
import { JpkiError } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import { type ChainReport, verifyChain } from '../x509/chain.js';
import type { OcspCheck } from '../x509/ocsp-check.js';
import { ecdsaSignatureRaw } from './cms-syntax.js';
import { checkJpkiCertificateStatus, checkStatusOptions, directoryNameDistributionPoints, type JpkiCheck, type JpkiStatusOptions, JpkiStatusCheckId } from './cert-status.js';
import { JpkiPolicyOid } from './oids.js';

/** Ids of the checks {@link verifyJpkiAuthentication} reports (plus `OCSP`, `CRL`, `CERTIFICATE_STATUS`). */
export const JpkiAuthCheckId = {
  /** The certificate parses. */
  CERTIFICATE: 'CERTIFICATE',
  /** The challenge signature verifies with the certificate's RSA (or EC) key. */
  SIGNATURE: 'SIGNATURE',
  /** The certificate carries the 利用者証明用 policy (or one of `options.policies`). */
  POLICY: 'POLICY',
  /** Its keyUsage asserts digitalSignature. */
  KEY_USAGE: 'KEY_USAGE',
  /** It is valid at `now` (within the skew). */
  VALIDITY: 'VALIDITY',
  /** It chains to one of the anchors (the J-LIS 利用者証明用 roots). */
  CHAIN: 'CHAIN',
  ...JpkiStatusCheckId,
} as const;
export type JpkiAuthCheckId = (typeof JpkiAuthCheckId)[keyof typeof JpkiAuthCheckId];

/** What the client sent back. */
export interface JpkiAuthenticationInput {
  /** The server's nonce, exactly as sent. */
  readonly challenge: Uint8Array;
  /** The card's RSA signature (for an EC certificate: a DER ECDSA-Sig-Value). */
  readonly signature: Uint8Array;
  /** The 利用者証明用電子証明書 (DER, PEM, or parsed). */
  readonly certificate: Uint8Array | string | Certificate;
}

/** Options of {@link verifyJpkiAuthentication}. */
export interface VerifyJpkiAuthenticationOptions extends BackendOptions {
  /** Trust anchors: `JPKI_AUTH_CA_2019`, `JPKI_AUTH_CA_2023`… (or a test CA). Nothing is trusted implicitly. */
  readonly anchors: readonly (Certificate | Uint8Array)[];
  readonly intermediates?: readonly (Certificate | Uint8Array)[];
  /** Certificate status: OCSP and/or CRLs and what is required. Absent: not checked (reported as skipped). */
  readonly status?: JpkiStatusOptions;
  /** Validation time (default now). */
  readonly now?: Date;
  /** Tolerance for every time comparison, in seconds (default 0). */
  readonly clockSkewSeconds?: number;
  /** DigestInfo hashes accepted (default SHA-256, SHA-384, SHA-512). */
  readonly hashes?: readonly HashAlg[];
  /** Certificate policy OIDs accepted (default the JPKI 利用者証明用 policy). */
  readonly policies?: readonly string[];
}

/** The report of {@link verifyJpkiAuthentication}. */
export interface JpkiAuthenticationResult {
  readonly valid: boolean;
  readonly checks: readonly JpkiCheck[];
  readonly certificate: Certificate | null;
  /** The subject CN: the opaque id J-LIS assigns (no personal data); stable for the certificate's life. */
  readonly subjectId: string | null;
  /** The hash of the DigestInfo the card signed, when the signature verified. */
  readonly hash: HashAlg | null;
  readonly form: 'message' | 'digest-info' | null;
  readonly chain: ChainReport | null;
  readonly trustAnchor: Certificate | null;
  readonly ocsp: OcspCheck | null;
  /** Directory-name CRL distribution points of the certificate (reported, not fetched). */
  readonly crlDistributionPoints: readonly string[];
}

const DEFAULT_HASHES: readonly HashAlg[] = ['SHA-256', 'SHA-384', 'SHA-512'];
const KNOWN_HASHES: readonly HashAlg[] = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
const DIGEST_LENGTH: Readonly<Record<HashAlg, number>> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };
/** Largest challenge accepted (a nonce; anything bigger is misuse). */
const MAX_CHALLENGE = 64 * 1024;

function check(id: string, ok: boolean, detail?: string, required = true): JpkiCheck {
  return { id, status: ok ? 'passed' : 'failed', required, ...(detail === undefined ? {} : { detail }) };
}

function skipped(id: string, detail: string): JpkiCheck {
  return { id, status: 'skipped', required: true, detail };
}

/**
 * Verify a My Number Card login response.
 * @throws TypeError / RangeError for misuse (non-byte challenge or signature, an empty or
 *   oversized challenge, no anchors array, unknown hashes or status requirement).
 * @example
 * const r = await verifyJpkiAuthentication({ challenge, signature, certificate }, { anchors: [JPKI_AUTH_CA_2023] });
 * if (!r.valid) console.log(r.checks.filter((c) => c.status === 'failed'));
 */
export async function verifyJpkiAuthentication(input: JpkiAuthenticationInput, options: VerifyJpkiAuthenticationOptions): Promise<JpkiAuthenticationResult> {
  if (typeof input !== 'object' || input === null) throw new TypeError('input must be an object');
  if (!(input.challenge instanceof Uint8Array)) throw new TypeError('input.challenge must be a Uint8Array');
  if (input.challenge.length === 0 || input.challenge.length > MAX_CHALLENGE) throw new RangeError(`input.challenge must be 1 to ${MAX_CHALLENGE} bytes`);
  if (!(input.signature instanceof Uint8Array)) throw new TypeError('input.signature must be a Uint8Array');
  if (typeof options !== 'object' || options === null || !Array.isArray(options.anchors)) throw new TypeError('options.anchors must be an array of certificates');
  const hashes: readonly HashAlg[] = options.hashes ?? DEFAULT_HASHES;
  if (!Array.isArray(options.hashes ?? DEFAULT_HASHES) || hashes.length === 0 || hashes.some((h) => !KNOWN_HASHES.includes(h))) throw new RangeError(`options.hashes must list some of ${KNOWN_HASHES.join(', ')}`);
  checkStatusOptions(options.status, 'options.status');
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('options.now must be a valid Date');
  const clockSkewSeconds = options.clockSkewSeconds ?? 0;
  if (typeof clockSkewSeconds !== 'number' || !Number.isFinite(clockSkewSeconds) || clockSkewSeconds < 0) throw new RangeError('options.clockSkewSeconds must be a non-negative number');
  const backend = resolveBackend(options);
  const checks: JpkiCheck[] = [];
  const empty = { certificate: null, subjectId: null, hash: null, form: null, chain: null, trustAnchor: null, ocsp: null, crlDistributionPoints: [] } as const;

  let cert: Certificate;
  try {
    cert = typeof input.certificate === 'object' && !(input.certificate instanceof Uint8Array) && input.certificate !== null ? parseCertificate(input.certificate.der) : parseCertificate(input.certificate);
  } catch (e) {
    checks.push(check(JpkiAuthCheckId.CERTIFICATE, false, `the certificate does not parse: ${e instanceof Error ? e.message : String(e)}`));
    for (const id of [JpkiAuthCheckId.SIGNATURE, JpkiAuthCheckId.POLICY, JpkiAuthCheckId.KEY_USAGE, JpkiAuthCheckId.VALIDITY, JpkiAuthCheckId.CHAIN, JpkiAuthCheckId.CERTIFICATE_STATUS]) {
      checks.push(skipped(id, 'no certificate'));
    }
    return { valid: false, checks, ...empty };
  }
  checks.push(check(JpkiAuthCheckId.CERTIFICATE, true, cert.subject.text));

  // The signature over the challenge.
  let hash: HashAlg | null = null;
  let form: 'message' | 'digest-info' | null = null;
  const key = cert.publicKey;
  if (key?.kty === 'EC') {
    let problem: string | undefined;
    try {
      const raw = ecdsaSignatureRaw(input.signature, key.crv);
      const refused: string[] = [];
      for (const h of hashes) {
        try {
          if (await backend.ecdsaVerify(key, h, input.challenge, raw)) {
            hash = h;
            form = 'message';
            break;
          }
        } catch (e) {
          // A hash (SHA-1) or curve the backend does not do ECDSA with verifies nothing.
          refused.push(`${h}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      if (refused.length === hashes.length) problem = `the ${backend.name} backend cannot verify ECDSA on ${key.crv} with ${refused.join('; ')}`;
    } catch (e) {
      // ecdsaSignatureRaw's ERR_JPKI_CMS (a signature that is no strict ECDSA-Sig-Value); anything else is a bug.
      if (!(e instanceof JpkiError)) throw e;
      problem = e.message;
    }
    checks.push(
      check(
        JpkiAuthCheckId.SIGNATURE,
        hash !== null,
        hash !== null ? `ECDSA (${key.crv}) over ${hash}(challenge)` : (problem ?? `the signature does not verify over the challenge with any of ${hashes.join(', ')}`),
      ),
    );
  } else if (key?.kty !== 'RSA') {
    checks.push(check(JpkiAuthCheckId.SIGNATURE, false, 'the certificate does not hold a supported RSA or EC (P-256, P-384, P-521) key'));
  } else {
    try {
      for (const h of hashes) {
        if (rsaPkcs1VerifyDigest(key, h, await backend.digest(h, input.challenge), input.signature)) {
          hash = h;
          form = 'message';
          break;
        }
      }
      if (hash === null) {
        for (const h of hashes) {
          const prefix = DIGEST_INFO_PREFIX[h];
          const c = input.challenge;
          if (c.length === prefix.length + DIGEST_LENGTH[h] && equalBytes(c.subarray(0, prefix.length), prefix) && rsaPkcs1VerifyPayload(key, c, input.signature)) {
            hash = h;
            form = 'digest-info';
            break;
          }
        }
      }
    } catch {
      hash = null;
    }
    checks.push(
      check(
        JpkiAuthCheckId.SIGNATURE,
        hash !== null,
        hash !== null
          ? form === 'message'
            ? `RSASSA-PKCS1-v1_5 over DigestInfo(${hash}(challenge))`
            : `RSASSA-PKCS1-v1_5 over the challenge, itself a ${hash} DigestInfo`
          : `the signature does not verify over the challenge with any of ${hashes.join(', ')}`,
      ),
    );
  }

  // The certificate's purpose.
  const policies = options.policies ?? [JpkiPolicyOid.AUTH];
  const has = cert.certificatePolicies?.oids ?? [];
  const policy = policies.find((p) => has.includes(p));
  checks.push(
    check(
      JpkiAuthCheckId.POLICY,
      policy !== undefined,
      policy !== undefined
        ? `policy ${policy}`
        : has.includes(JpkiPolicyOid.SIGN) || has.includes(JpkiPolicyOid.SIGN_TEST)
          ? 'a JPKI 署名用 (signature) certificate, not a 利用者証明用 one'
          : `none of the policies ${policies.join(', ')} (has ${has.join(', ') || 'none'})`,
    ),
  );
  const usages = cert.keyUsage?.usages ?? null;
  checks.push(check(JpkiAuthCheckId.KEY_USAGE, usages?.includes('digitalSignature') === true, usages === null ? 'no keyUsage' : usages.join(', ')));
  const t = now.getTime();
  const skewMs = clockSkewSeconds * 1000;
  const notYet = cert.notBefore.getTime() - skewMs > t;
  const expired = cert.notAfter.getTime() + skewMs < t;
  checks.push(
    check(
      JpkiAuthCheckId.VALIDITY,
      !notYet && !expired,
      notYet ? `not valid before ${cert.notBefore.toISOString()}` : expired ? `expired at ${cert.notAfter.toISOString()}` : `valid until ${cert.notAfter.toISOString()}`,
    ),
  );

  // The chain to the J-LIS auth CA.
  const chain = await verifyChain(cert, {
    anchors: options.anchors,
    ...(options.intermediates ? { intermediates: options.intermediates } : {}),
    now,
    clockSkewSeconds,
    backend,
  });
  const chainFailure = chain.checks.find((c) => c.status === 'failed');
  checks.push(check(JpkiAuthCheckId.CHAIN, chain.valid, chainFailure ? `${chainFailure.id}: ${chainFailure.detail ?? 'failed'}` : `anchor ${chain.anchor?.subject.text ?? ''}`));

  // Status, only for a certificate whose chain holds (an untrusted issuer's responder proves nothing).
  let ocsp: OcspCheck | null = null;
  const crlDistributionPoints = directoryNameDistributionPoints(cert);
  if (!chain.valid || chain.path.length < 2) {
    const why = chain.valid ? 'the certificate is itself a trust anchor' : 'not run: the chain did not verify';
    checks.push({ id: JpkiAuthCheckId.OCSP, status: 'skipped', required: false, detail: why });
    checks.push({ id: JpkiAuthCheckId.CRL, status: 'skipped', required: false, detail: why });
    checks.push(skipped(JpkiAuthCheckId.CERTIFICATE_STATUS, why));
  } else {
    const status = await checkJpkiCertificateStatus(cert, chain.path[1]!, options.status, { now, clockSkewSeconds, backend });
    checks.push(...status.checks);
    ocsp = status.ocsp;
  }

  return {
    valid: checks.every((c) => !c.required || c.status !== 'failed'),
    checks,
    certificate: cert,
    subjectId: cert.subject.attributes['CN']?.[0] ?? null,
    hash,
    form,
    chain,
    trustAnchor: chain.anchor,
    ocsp,
    crlDistributionPoints,
  };
}
