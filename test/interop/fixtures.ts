/**
 * Shared inputs for the interop suites (tests only): an issuer PKI built with shomei's
 * Annex B builders around the real current time, one mDL (10 elements including a 10 KiB
 * portrait) of which 5 are requested, and an OpenID4VP-style SessionTranscript.
 *
 * The PKI is built around the real clock, not a fixed date, because @auth0/mdl validates
 * certificates and the MSO against `new Date()` and has no option to change it.
 */
import { encode, EncodedCbor, FullDate } from '../../src/cbor/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { CryptoBackend, EcPrivateKey } from '../../src/crypto/types.js';
import type { Check, VerifyDeviceResponseResult } from '../../src/mdoc/index.js';
import { buildDocumentSigner, buildIaca, type Certificate } from '../../src/x509/index.js';

export const MDL = 'org.iso.18013.5.1.mDL';
export const NS = 'org.iso.18013.5.1';
const DAY = 86_400_000;

/** Now, to the second (tdate has no fraction of a second). */
export function nowToTheSecond(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

export interface InteropIssuer {
  readonly iaca: Certificate;
  readonly iacaKey: EcPrivateKey;
  readonly ds: Certificate;
  readonly dsKey: EcPrivateKey;
}

/** An IACA and a document signer (P-256, Annex B profiles), valid from a day before `now`. */
export async function interopIssuer(backend: CryptoBackend, now: Date): Promise<InteropIssuer> {
  const iacaKey = await backend.generateKeyPair('P-256');
  const dsKey = await backend.generateKeyPair('P-256');
  const iaca = await buildIaca({
    country: 'JP',
    commonName: 'shomei interop IACA',
    key: iacaKey,
    validity: { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 3 * 365 * DAY) },
    issuerAltName: { uri: 'https://iaca.example.jp/' },
    crlUri: 'https://iaca.example.jp/crl',
    backend,
  });
  const ds = await buildDocumentSigner({
    iaca,
    iacaKey,
    commonName: 'shomei interop DS',
    publicKey: publicKeyOf(dsKey),
    validity: { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) },
    backend,
  });
  return { iaca, iacaKey, ds, dsKey };
}

/** MSO validity: signed and valid from `now`, for 30 days. */
export function msoValidity(now: Date): { signed: Date; validFrom: Date; validUntil: Date } {
  return { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * DAY) };
}

/** A 10 KiB portrait (a JPEG header, then filler). */
export const PORTRAIT: Uint8Array = (() => {
  const p = new Uint8Array(10 * 1024);
  p.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
  for (let i = 10; i < p.length; i++) p[i] = (i * 31) & 0xff;
  return p;
})();

/** The 10 mDL elements, with dates as plain strings; each peer gets them in its own date type. */
export const ELEMENTS = {
  family_name: 'Yamada',
  given_name: 'Taro',
  birth_date: '1990-04-01',
  issue_date: '2025-04-01',
  expiry_date: '2030-04-01',
  issuing_country: 'JP',
  issuing_authority: 'Tokyo Metropolitan Police',
  document_number: '123456789012',
  portrait: PORTRAIT,
  age_over_18: true,
} as const;

const DATES = new Set(['birth_date', 'issue_date', 'expiry_date']);

/** The elements with dates as shomei FullDate (tag 1004). */
export function shomeiElements(): Record<string, string | boolean | Uint8Array | FullDate> {
  const out: Record<string, string | boolean | Uint8Array | FullDate> = {};
  for (const [k, v] of Object.entries(ELEMENTS)) {
    if (DATES.has(k) && typeof v === 'string') {
      const [y, m, d] = v.split('-').map(Number) as [number, number, number];
      out[k] = FullDate.of(y, m, d);
    } else out[k] = v;
  }
  return out;
}

/** The elements with dates wrapped by `wrap` (the peer's own full-date class). */
export function peerElements(wrap: (date: string) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(ELEMENTS).map(([k, v]) => [k, DATES.has(k) && typeof v === 'string' ? wrap(v) : v]));
}

/** The 5 elements every presentation discloses. */
export const DISCLOSED = ['family_name', 'birth_date', 'issuing_country', 'portrait', 'age_over_18'] as const;

/** SessionTranscriptBytes with an OpenID4VP 1.0 handover: `[null, null, ["OpenID4VPHandover", hash]]`. */
export function sessionTranscriptBytes(handoverHash: Uint8Array = new Uint8Array(32).fill(0x5a)): Uint8Array {
  return EncodedCbor.wrap(encode([null, null, ['OpenID4VPHandover', handoverHash]]), null).tagged;
}

/** Every check of a result that did not pass, as `ID:status` (response level, then documents). */
export function notPassed(result: VerifyDeviceResponseResult): string[] {
  return [...result.checks, ...result.documents.flatMap((d) => d.checks)].filter((c) => c.status !== 'passed').map((c) => `${c.id}:${c.status}`);
}

/** The checks with id `id`, for looking at their detail. */
export function checksWithId(result: VerifyDeviceResponseResult, id: string): Check[] {
  return [...result.checks, ...result.documents.flatMap((d) => d.checks)].filter((c) => c.id === id);
}

/** No CRL is given in these tests, so the revocation check is reported as skipped (not failed). */
export const REVOCATION_SKIPPED = 'DS_CHAIN.REVOCATION:skipped';
