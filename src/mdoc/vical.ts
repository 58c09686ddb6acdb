/**
 * VICAL, the Verified Issuer Certificate Authority List (ISO/IEC 18013-5:2021 Annex C,
 * C.1.7, kept in the 2nd edition's Annex C; AAMVA publishes the North American one under
 * this profile): the CDDL read strictly and with limits, and each CertificateInfo checked
 * against the certificate it carries. Signature and trust are in `vical-verify.ts`.
 *
 * Sources for the CDDL below (the standard's text is not public): the CDDL as reproduced in
 * the comments of Google's identity-credential reader (`issuerauth/vical/CertificateInfo`,
 * "From 18013-5 C.1.7"), of spruceid/isomdl (`org_iso_18013_5_1_vical`), and multipaz's
 * `mdoc/vical` ("ISO/IEC 18013-5:2021 section C.1.7.1"), which agree field for field.
 *
 * ```cddl
 * VICAL = {
 *   "version" : tstr,
 *   "vicalProvider" : tstr,
 *   "date" : tdate,
 *   ? "vicalIssueID" : uint,          ; unique and monotonically increasing
 *   ? "nextUpdate" : tdate,
 *   "certificateInfos" : [* CertificateInfo],
 *   ? "extensions" : Extensions,
 *   * tstr => any
 * }
 * CertificateInfo = {
 *   "certificate" : bstr,             ; DER-encoded X.509 certificate
 *   "serialNumber" : biguint,         ; the certificate's serial number
 *   "ski" : bstr,                     ; the certificate's Subject Key Identifier
 *   "docType" : [+ DocType],          ; doctypes the certificate may be a trust point for
 *   ? "certificateProfile" : [+ CertificateProfile],
 *   ? "issuingAuthority" : tstr,
 *   ? "issuingCountry" : tstr,        ; ISO 3166-1 or ISO 3166-2
 *   ? "stateOrProvinceName" : tstr,
 *   ? "issuer" : bstr,                ; DER of the certificate's issuer Name
 *   ? "subject" : bstr,               ; DER of the certificate's subject Name
 *   ? "notBefore" : tdate,
 *   ? "notAfter" : tdate,
 *   ? "extensions" : Extensions,
 *   * tstr => any
 * }
 * Extensions = { * tstr => any }
 * ```
 */

import { type CborMap, type CborValue, decode, TDate } from '../cbor/index.js';
import { isShomeiError, MdocError } from '../errors.js';
import { equalBytes, toHex } from '../internal/bytes.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';

/** Largest VICAL read by default, payload or whole signed list (the AAMVA list is well under 1 MiB). */
export const MAX_VICAL_SIZE = 16 * 1024 * 1024;
/** Most CertificateInfo entries read by default. */
export const MAX_VICAL_ENTRIES = 10_000;
/**
 * The CBOR data items a VICAL payload of `bytes` bytes may hold: 64 per entry of the entry
 * limit, plus 1,024 (a CertificateInfo with a certificate, serial number, SKI and docTypes is
 * about 27 items in about 830 bytes), and never more than one per 8 bytes, nor fewer than
 * the decoder's default of 100,000 (which refused about 3,700 such entries). The decoder
 * holds at most about 200 bytes per item, so a hostile payload takes at most about 25 times
 * its size, or the default's 20 MB.
 */
function vicalItemLimit(bytes: number, maxEntries: number): number {
  return Math.max(100_000, Math.min(1024 + 64 * maxEntries, Math.floor(bytes / 8)));
}

/** One CertificateInfo, as received. */
export interface CertificateInfo {
  readonly certificate: Uint8Array;
  readonly serialNumber: bigint;
  readonly ski: Uint8Array;
  readonly docType: readonly string[];
  readonly certificateProfile?: readonly string[];
  readonly issuingAuthority?: string;
  readonly issuingCountry?: string;
  readonly stateOrProvinceName?: string;
  readonly issuer?: Uint8Array;
  readonly subject?: Uint8Array;
  readonly notBefore?: TDate;
  readonly notAfter?: TDate;
  readonly extensions?: CborMap;
}

/** A VICAL, as received. */
export interface Vical {
  readonly version: string;
  readonly vicalProvider: string;
  readonly date: TDate;
  readonly vicalIssueID?: number | bigint;
  readonly nextUpdate?: TDate;
  readonly certificateInfos: readonly CertificateInfo[];
  readonly extensions?: CborMap;
}

/** Limits for {@link decodeVical}. */
export interface DecodeVicalOptions {
  /** Largest payload in bytes (for `verifyVical`, the whole signed VICAL); default {@link MAX_VICAL_SIZE}. */
  readonly maxBytes?: number;
  /** Most CertificateInfo entries; default {@link MAX_VICAL_ENTRIES}. */
  readonly maxEntries?: number;
}

function structure(path: string, message: string, cause?: unknown): MdocError {
  return new MdocError('ERR_VICAL_STRUCTURE', `${path}: ${message}`, { path, ...(cause === undefined ? {} : { cause }) });
}

/** The text-keyed map at `path`, as a Map of string keys (any other key is a structure error). */
function textMap(value: CborValue, path: string): ReadonlyMap<string, CborValue> {
  if (!(value instanceof Map)) throw structure(path, 'not a map');
  for (const k of value.keys()) if (typeof k !== 'string') throw structure(path, `a key is not a text string (${typeof k})`);
  return value as ReadonlyMap<string, CborValue>;
}

function req(m: ReadonlyMap<string, CborValue>, key: string, path: string): CborValue {
  if (!m.has(key)) throw structure(`${path}.${key}`, 'missing');
  return m.get(key);
}

function tstr(v: CborValue, path: string): string {
  if (typeof v !== 'string') throw structure(path, 'not a text string');
  return v;
}

function bstr(v: CborValue, path: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw structure(path, 'not a byte string');
  return v;
}

function tdate(v: CborValue, path: string): TDate {
  if (!(v instanceof TDate)) throw structure(path, 'not a tdate (tag 0)');
  return v;
}

function tstrs(v: CborValue, path: string): string[] {
  if (!Array.isArray(v) || v.length === 0) throw structure(path, 'not a non-empty array');
  return (v as readonly CborValue[]).map((x, i) => tstr(x, `${path}[${i}]`));
}

function uint(v: CborValue, path: string): number | bigint {
  if ((typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'bigint' && v >= 0n)) return v;
  throw structure(path, 'not an unsigned integer');
}

function optional<T>(m: ReadonlyMap<string, CborValue>, key: string, path: string, read: (v: CborValue, path: string) => T): { [k: string]: T } {
  return m.has(key) ? { [key]: read(m.get(key), `${path}.${key}`) } : {};
}

function extensions(v: CborValue, path: string): CborMap {
  return textMap(v, path) as CborMap;
}

function certificateInfo(value: CborValue, path: string): CertificateInfo {
  const m = textMap(value, path);
  // biguint is #6.2(bstr), which the decoder reads as a bigint; a plain uint is read too.
  const serial = req(m, 'serialNumber', path);
  if (typeof serial !== 'bigint' && typeof serial !== 'number') throw structure(`${path}.serialNumber`, 'not a biguint');
  const serialNumber = BigInt(uint(serial, `${path}.serialNumber`));
  return {
    certificate: bstr(req(m, 'certificate', path), `${path}.certificate`),
    serialNumber,
    ski: bstr(req(m, 'ski', path), `${path}.ski`),
    docType: tstrs(req(m, 'docType', path), `${path}.docType`),
    ...optional(m, 'certificateProfile', path, tstrs),
    ...optional(m, 'issuingAuthority', path, tstr),
    ...optional(m, 'issuingCountry', path, tstr),
    ...optional(m, 'stateOrProvinceName', path, tstr),
    ...optional(m, 'issuer', path, bstr),
    ...optional(m, 'subject', path, bstr),
    ...optional(m, 'notBefore', path, tdate),
    ...optional(m, 'notAfter', path, tdate),
    ...optional(m, 'extensions', path, extensions),
  } as CertificateInfo;
}

/**
 * Decode a VICAL (the COSE_Sign1 payload), strictly: the CDDL above, with a size and entry
 * limit. Unknown text keys (`* tstr => any`) are allowed and ignored.
 * @throws MdocError `ERR_VICAL_STRUCTURE` (with `path`) for anything that is not the CDDL,
 *   including CBOR that is not well-formed or passes a limit.
 */
export function decodeVical(payload: Uint8Array, options: DecodeVicalOptions = {}): Vical {
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array');
  const maxBytes = options.maxBytes ?? MAX_VICAL_SIZE;
  const maxEntries = options.maxEntries ?? MAX_VICAL_ENTRIES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError('options.maxBytes must be a positive integer');
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) throw new RangeError('options.maxEntries must be a non-negative integer');
  let value: CborValue;
  try {
    value = decode(payload, { maxBytes, maxItems: vicalItemLimit(payload.length, maxEntries) });
  } catch (e) {
    if (isShomeiError(e)) throw structure('vical', `not valid CBOR: ${e.message}`, e);
    throw e;
  }
  const m = textMap(value, 'vical');
  const infos = req(m, 'certificateInfos', 'vical');
  if (!Array.isArray(infos)) throw structure('vical.certificateInfos', 'not an array');
  if (infos.length > maxEntries) throw structure('vical.certificateInfos', `${infos.length} entries, more than the limit of ${maxEntries}`);
  return {
    version: tstr(req(m, 'version', 'vical'), 'vical.version'),
    vicalProvider: tstr(req(m, 'vicalProvider', 'vical'), 'vical.vicalProvider'),
    date: tdate(req(m, 'date', 'vical'), 'vical.date'),
    ...optional(m, 'vicalIssueID', 'vical', uint),
    ...optional(m, 'nextUpdate', 'vical', tdate),
    certificateInfos: (infos as readonly CborValue[]).map((v, i) => certificateInfo(v, `vical.certificateInfos[${i}]`)),
    ...optional(m, 'extensions', 'vical', extensions),
  } as Vical;
}

/** Ways a CertificateInfo disagrees with its certificate or with the list. */
export const VicalFindingId = {
  /** `certificate` is not a DER X.509 certificate (the entry is unusable). */
  CERTIFICATE_UNPARSABLE: 'CERTIFICATE_UNPARSABLE',
  /** `serialNumber` is not the certificate's serial number (unusable). */
  SERIAL_MISMATCH: 'SERIAL_MISMATCH',
  /** `ski` is not the certificate's subjectKeyIdentifier, or it has none (unusable). */
  SKI_MISMATCH: 'SKI_MISMATCH',
  /** The same certificate appeared in an earlier entry: only the first is used (unusable). */
  DUPLICATE_ENTRY: 'DUPLICATE_ENTRY',
  /** `issuingCountry` does not begin with the certificate's countryName. */
  COUNTRY_MISMATCH: 'COUNTRY_MISMATCH',
  /** `stateOrProvinceName` is not the certificate's stateOrProvinceName. */
  STATE_MISMATCH: 'STATE_MISMATCH',
  /** `issuer` is not the DER of the certificate's issuer Name. */
  ISSUER_MISMATCH: 'ISSUER_MISMATCH',
  /** `subject` is not the DER of the certificate's subject Name. */
  SUBJECT_MISMATCH: 'SUBJECT_MISMATCH',
  /** `notBefore` / `notAfter` is not the certificate's. */
  VALIDITY_MISMATCH: 'VALIDITY_MISMATCH',
} as const;
export type VicalFindingId = (typeof VicalFindingId)[keyof typeof VicalFindingId];

/** Findings that make an entry unusable as a trust anchor (the others are reported only). */
const DISQUALIFYING: ReadonlySet<VicalFindingId> = new Set([
  VicalFindingId.CERTIFICATE_UNPARSABLE,
  VicalFindingId.SERIAL_MISMATCH,
  VicalFindingId.SKI_MISMATCH,
  VicalFindingId.DUPLICATE_ENTRY,
]);

/** One finding on one entry. */
export interface VicalFinding {
  readonly id: VicalFindingId;
  /** The index in `certificateInfos`. */
  readonly index: number;
  readonly detail: string;
}

/** One entry with its certificate read and checked. */
export interface VicalEntry {
  readonly index: number;
  readonly info: CertificateInfo;
  /** The certificate, when it parses. */
  readonly certificate?: Certificate;
  /** True when no finding disqualifies the entry: only such entries become trust anchors. */
  readonly usable: boolean;
  readonly findings: readonly VicalFinding[];
}

function attr(cert: Certificate, name: string): string | undefined {
  const attrs = cert.subject.attributes;
  return Object.hasOwn(attrs, name) ? attrs[name]?.[0] : undefined;
}

/** The findings on one entry (its certificate already parsed). */
function entryFindings(index: number, info: CertificateInfo, cert: Certificate): VicalFinding[] {
  const out: VicalFinding[] = [];
  const add = (id: VicalFindingId, detail: string) => out.push({ id, index, detail });
  const serial = cert.serialNumber.startsWith('-') ? undefined : BigInt(`0x${cert.serialNumber || '0'}`);
  if (serial !== info.serialNumber) add(VicalFindingId.SERIAL_MISMATCH, `serialNumber ${info.serialNumber.toString(16)} but the certificate's is ${cert.serialNumber}`);
  const ski = cert.subjectKeyIdentifier?.keyIdentifier;
  if (ski === undefined || !equalBytes(ski, info.ski)) add(VicalFindingId.SKI_MISMATCH, `ski ${toHex(info.ski)} but the certificate's is ${ski === undefined ? '(none)' : toHex(ski)}`);
  const c = attr(cert, 'C');
  if (info.issuingCountry !== undefined && (c === undefined || !(info.issuingCountry === c || info.issuingCountry.startsWith(`${c}-`)))) {
    add(VicalFindingId.COUNTRY_MISMATCH, `issuingCountry ${info.issuingCountry} but the certificate's countryName is ${c ?? '(none)'}`);
  }
  const st = attr(cert, 'ST');
  if (info.stateOrProvinceName !== undefined && info.stateOrProvinceName !== st) {
    add(VicalFindingId.STATE_MISMATCH, `stateOrProvinceName ${info.stateOrProvinceName} but the certificate's is ${st ?? '(none)'}`);
  }
  if (info.issuer !== undefined && !equalBytes(info.issuer, cert.issuer.der)) add(VicalFindingId.ISSUER_MISMATCH, `issuer is not the certificate's issuer Name (${cert.issuer.text})`);
  if (info.subject !== undefined && !equalBytes(info.subject, cert.subject.der)) add(VicalFindingId.SUBJECT_MISMATCH, `subject is not the certificate's subject Name (${cert.subject.text})`);
  // tdate has second precision at best in a certificate; compare whole seconds.
  const sec = (d: Date) => Math.floor(d.getTime() / 1000);
  for (const [name, listed, actual] of [
    ['notBefore', info.notBefore, cert.notBefore],
    ['notAfter', info.notAfter, cert.notAfter],
  ] as const) {
    if (listed !== undefined && sec(listed.date) !== sec(actual)) add(VicalFindingId.VALIDITY_MISMATCH, `${name} ${listed.text} but the certificate's is ${actual.toISOString()}`);
  }
  return out;
}

/**
 * Read each entry's certificate and compare the entry with it (serial, SKI, country, state,
 * names, validity); a certificate listed again is a DUPLICATE_ENTRY. Linear in the list.
 */
export function vicalEntries(vical: Vical): VicalEntry[] {
  const seen = new Map<string, number>();
  return vical.certificateInfos.map((info, index) => {
    let cert: Certificate;
    try {
      cert = parseCertificate(info.certificate);
    } catch (e) {
      if (!isShomeiError(e)) throw e;
      return { index, info, usable: false, findings: [{ id: VicalFindingId.CERTIFICATE_UNPARSABLE, index, detail: e.message }] };
    }
    const findings = entryFindings(index, info, cert);
    // Keyed by the whole DER: linear in the list, whatever the entries share.
    const key = toHex(cert.der);
    const earlier = seen.get(key);
    if (earlier !== undefined) findings.push({ id: VicalFindingId.DUPLICATE_ENTRY, index, detail: `the certificate ${cert.subject.text} is listed in entry ${earlier} already` });
    else seen.set(key, index);
    return { index, info, certificate: cert, usable: !findings.some((f) => DISQUALIFYING.has(f.id)), findings };
  });
}
