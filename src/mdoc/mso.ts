/**
 * The Mobile Security Object (ISO/IEC 18013-5:2021 §9.1.2.4; the `status` member of the
 * second edition §12.3.6), decoded strictly and encoded deterministically.
 *
 * ```cddl
 * MobileSecurityObjectBytes = #6.24(bstr .cbor MobileSecurityObject)
 * MobileSecurityObject = {
 *   "version" : tstr,                  ; "1.0"
 *   "digestAlgorithm" : tstr,          ; "SHA-256" / "SHA-384" / "SHA-512"
 *   "valueDigests" : ValueDigests,
 *   "deviceKeyInfo" : DeviceKeyInfo,
 *   "docType" : tstr,
 *   "validityInfo" : ValidityInfo,
 *   ? "status" : Status                ; 2nd edition
 * }
 * DeviceKeyInfo = { "deviceKey" : DeviceKey, ? "keyAuthorizations" : KeyAuthorizations, ? "keyInfo" : KeyInfo }
 * KeyAuthorizations = { ? "nameSpaces" : [+ NameSpace], ? "dataElements" : { + NameSpace => [+ DataElementIdentifier] } }
 * KeyInfo = { * int => any }
 * ValueDigests = { + NameSpace => DigestIDs }
 * DigestIDs = { + DigestID => Digest }     ; DigestID = uint, Digest = bstr
 * ValidityInfo = { "signed" : tdate, "validFrom" : tdate, "validUntil" : tdate, ? "expectedUpdate" : tdate }
 * Status = { ? "status_list" : { "idx" : uint, "uri" : tstr, ? "certificate" : bstr },
 *            ? "identifier_list" : { "id" : bstr, "uri" : tstr, ? "certificate" : bstr } }
 * ```
 */

import { type CborMap, type CborValue, FullDate, TDate } from '../cbor/index.js';
import { CoseKeyLabel, CoseKty, CURVE_BY_ID, decodeCosePublicKey } from '../cose/public-key.js';
import { curveFieldSize, isEcCurve } from '../crypto/keys.js';
import type { PublicKey } from '../crypto/types.js';
import { CoseError, MdocError } from '../errors.js';
import { leftPad, utf8Encode } from '../internal/bytes.js';
import { type Deviation, MdocDeviation } from './deviations.js';
import {
  asArray,
  asBytes,
  asInt,
  asIdentifier,
  asMap,
  asTDate,
  asText,
  asUint,
  at,
  describeValue,
  field,
  isUint,
  optional,
  optionalMember,
  structureError,
  textKeyed,
} from './structure.js';

/** Digest algorithms an MSO may use (ISO 18013-5 §9.1.2.5). */
export type DigestAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** The digest algorithms ISO 18013-5 allows. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'SHA-384', 'SHA-512'];

/** Which device-signed elements the device key may sign (§9.1.2.4). */
export interface KeyAuthorizations {
  readonly nameSpaces?: readonly string[];
  readonly dataElements?: ReadonlyMap<string, readonly string[]>;
}

/** Why the MSO's device key cannot be used: where, and what is wrong with it. */
export interface DeviceKeyError {
  /** The path of the deviceKey (`issuerAuth.payload.mso.deviceKeyInfo.deviceKey`). */
  readonly path: string;
  readonly detail: string;
}

/** The device key and what it is authorized for. */
export interface DeviceKeyInfo {
  /**
   * The device key, validated. Absent when the deviceKey sent is not a usable COSE_Key (not a
   * map, an unsupported key type or curve, a point off its curve, a private part):
   * `deviceKeyError` then says why, and nothing device-authenticated can be verified.
   */
  readonly deviceKey?: PublicKey;
  /** Why `deviceKey` is absent, when it is. */
  readonly deviceKeyError?: DeviceKeyError;
  /** The deviceKey as received: the COSE_Key map, or whatever was sent in its place. */
  readonly deviceKeyCose: CborValue;
  readonly keyAuthorizations?: KeyAuthorizations;
  readonly keyInfo?: CborMap;
}

/** The MSO validity window. */
export interface ValidityInfo {
  readonly signed: TDate;
  readonly validFrom: TDate;
  readonly validUntil: TDate;
  readonly expectedUpdate?: TDate;
}

/** The MSO status reference (ISO 18013-5 2nd edition §12.3.6), parsed but not fetched. */
export interface MsoStatus {
  readonly status_list?: { readonly idx: number; readonly uri: string; readonly certificate?: Uint8Array };
  readonly identifier_list?: { readonly id: Uint8Array; readonly uri: string; readonly certificate?: Uint8Array };
}

/** A decoded Mobile Security Object. */
export interface MobileSecurityObject {
  readonly version: string;
  readonly digestAlgorithm: string;
  readonly valueDigests: ReadonlyMap<string, ReadonlyMap<number, Uint8Array>>;
  readonly deviceKeyInfo: DeviceKeyInfo;
  readonly docType: string;
  readonly validityInfo: ValidityInfo;
  readonly status?: MsoStatus;
  /** Deviations read past while decoding (a text kid in the device key, `status: null`, an untagged payload). */
  readonly deviations?: readonly Deviation[];
}

function decodeKeyAuthorizations(v: CborValue, path: string, deviations: Deviation[]): KeyAuthorizations {
  const m = asMap(v, path);
  const ns = optional(m, 'nameSpaces');
  const de = optional(m, 'dataElements');
  // `[+ …]` and `{ + … }` sent empty: they authorize nothing, so they are read as such and named.
  const nonEmpty = <T>(list: readonly T[], p: string): readonly T[] => {
    if (list.length === 0) deviations.push({ id: MdocDeviation.EMPTY_KEY_AUTHORIZATIONS, path: p, detail: 'an empty list authorizes nothing' });
    return list;
  };
  const nsPath = at(path, 'nameSpaces');
  const nameSpaces = ns === undefined ? undefined : nonEmpty(asArray(ns, nsPath), nsPath).map((n, i) => asText(n, `${nsPath}[${i}]`));
  let dataElements: Map<string, string[]> | undefined;
  const whole = new Set(nameSpaces);
  if (de !== undefined) {
    dataElements = new Map();
    const dePath = at(path, 'dataElements');
    for (const [namespace, ids] of nonEmpty(textKeyed(asMap(de, dePath), dePath), dePath)) {
      const p = at(dePath, namespace);
      if (whole.has(namespace)) structureError(p, 'a namespace authorized whole must not also list data elements');
      dataElements.set(
        namespace,
        nonEmpty(asArray(ids, p), p).map((id, i) => asText(id, `${p}[${i}]`)),
      );
    }
  }
  // Set one by one: a literal of two spreads is slow on Node 20 (see verify.ts's ctx).
  const out: { nameSpaces?: readonly string[]; dataElements?: ReadonlyMap<string, readonly string[]> } = {};
  if (nameSpaces !== undefined) out.nameSpaces = nameSpaces;
  if (dataElements !== undefined) out.dataElements = dataElements;
  return out;
}

function decodeStatus(v: CborValue, path: string, deviations: Deviation[]): MsoStatus {
  const m = asMap(v, path);
  const out: { -readonly [K in keyof MsoStatus]: MsoStatus[K] } = {};
  const sl = optional(m, 'status_list');
  if (sl !== undefined) {
    const p = at(path, 'status_list');
    const s = asMap(sl, p);
    const cert = optional(s, 'certificate');
    out.status_list = {
      idx: asUint(field(s, 'idx', p), at(p, 'idx')),
      uri: asText(field(s, 'uri', p), at(p, 'uri')),
      ...(cert === undefined ? {} : { certificate: asBytes(cert, at(p, 'certificate')) }),
    };
  }
  const il = optional(m, 'identifier_list');
  if (il !== undefined) {
    const p = at(path, 'identifier_list');
    const s = asMap(il, p);
    const cert = optional(s, 'certificate');
    let id = field(s, 'id', p);
    if (typeof id === 'string') {
      deviations.push({ id: MdocDeviation.STATUS_ID_TEXT, path: at(p, 'id'), detail: 'the identifier is text: read as its UTF-8 bytes' });
      id = utf8Encode(id);
    }
    out.identifier_list = {
      id: asBytes(id, at(p, 'id')),
      uri: asText(field(s, 'uri', p), at(p, 'uri')),
      ...(cert === undefined ? {} : { certificate: asBytes(cert, at(p, 'certificate')) }),
    };
  }
  return out;
}

/**
 * A validityInfo date: a tdate (tag 0), or read past and recorded, untagged RFC 3339 text
 * (`VALIDITY_DATE_UNTAGGED`) or a full-date (`VALIDITY_FULL_DATE`, taken as 00:00:00Z of
 * that day). The validity checks then apply to the instant read, unchanged. Its text is
 * checked against §9.1.2.4 ("shall not use fractions of seconds", time-offset "Z"):
 * `TDATE_FRACTIONAL_SECONDS`, `TDATE_UTC_OFFSET`.
 */
function validityDate(v: CborValue, path: string, deviations: Deviation[]): TDate {
  if (typeof v === 'string') {
    let date: TDate;
    try {
      date = new TDate(v);
    } catch {
      structureError(path, `expected a tdate (tag 0), got text that is not an RFC 3339 date-time`);
    }
    deviations.push({ id: MdocDeviation.VALIDITY_DATE_UNTAGGED, path, detail: `${JSON.stringify(v)} is text without tag 0` });
    tdateForm(date, path, deviations);
    return date;
  }
  if (v instanceof FullDate) {
    deviations.push({ id: MdocDeviation.VALIDITY_FULL_DATE, path, detail: `full-date ${v.text} (tag 1004) read as ${v.text}T00:00:00Z` });
    return new TDate(`${v.text}T00:00:00Z`);
  }
  const date = asTDate(v, path);
  tdateForm(date, path, deviations);
  return date;
}

/** The fraction of seconds and the time-offset of a tdate's text (TDate has checked its form). */
const TDATE_TAIL = /:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Record a fraction of seconds or a time-offset other than `Z` in a validityInfo date. */
function tdateForm(date: TDate, path: string, deviations: Deviation[]): void {
  const text = date.text;
  // `YYYY-MM-DDTHH:MM:SSZ`, the form §9.1.2.4 asks for: the one every conformant MSO has.
  if (text.length === 20 && text.charCodeAt(19) === 0x5a) return;
  const m = TDATE_TAIL.exec(text);
  if (m === null) return;
  if (m[1] !== undefined) {
    deviations.push({ id: MdocDeviation.TDATE_FRACTIONAL_SECONDS, path, detail: `${text} has a fraction of a second (§9.1.2.4: none): read to the millisecond, rounded so that the validity window never widens` });
  }
  if (m[2] !== 'Z') {
    deviations.push({ id: MdocDeviation.TDATE_UTC_OFFSET, path, detail: `${text} has the time-offset ${JSON.stringify(m[2])}, not "Z": read as the instant it denotes, ${date.date.toISOString()}` });
  }
}

/**
 * The instant of a validityInfo date in ms, exact at a validity boundary: `'ceil'` for a time
 * the validation time must not precede (signed, validFrom), `'floor'` for one it must not pass
 * (validUntil). TDate keeps milliseconds; digits below them (`.2541359Z`) are rounded the way
 * that never widens the window, so against a whole-millisecond now the decision is the one
 * the full text gives. A leap second (`:60`, read as :59) has the next second as its ceiling.
 */
export function validityInstant(date: TDate, round: 'floor' | 'ceil'): number {
  const ms = date.date.getTime();
  const text = date.text;
  if (round === 'floor') return ms;
  // A leap second (`:60`, which TDate reads as :59) lies after every millisecond of :59: its ceiling is the next second.
  if (text.charCodeAt(17) === 0x36 && text.charCodeAt(18) === 0x30) return Math.floor(ms / 1000) * 1000 + 1000;
  if (text.length === 20) return ms;
  const fraction = TDATE_TAIL.exec(text)?.[1];
  return fraction !== undefined && /[1-9]/.test(fraction.slice(4)) ? ms + 1 : ms;
}

/** An optional MSO member; `null` is MSO_OPTIONAL_NULL, CBOR `undefined` UNDEFINED_AS_ABSENT. */
function msoOptional(m: CborMap, key: string, path: string, deviations: Deviation[]): CborValue {
  return optionalMember(m, key, path, deviations, MdocDeviation.MSO_OPTIONAL_NULL);
}

/**
 * An EC2 device key whose x or y is shorter than its curve's field (leading zero bytes left
 * out, as an issuer that writes the integer's minimal bytes does for about one key in 128):
 * the map with them left-padded, the one encoding of the same point. Longer ones are left to
 * fail.
 */
function padShortCoordinates(key: CborMap): { map: CborMap; detail: string } | undefined {
  if (key.get(CoseKeyLabel.kty) !== CoseKty.EC2) return undefined;
  const crv = key.get(CoseKeyLabel.crv);
  const curve = typeof crv === 'number' ? CURVE_BY_ID.get(crv) : undefined;
  if (curve === undefined || !isEcCurve(curve)) return undefined;
  const size = curveFieldSize(curve);
  const x = key.get(CoseKeyLabel.x);
  const y = key.get(CoseKeyLabel.y);
  const shortX = x instanceof Uint8Array && x.length > 0 && x.length < size;
  const shortY = y instanceof Uint8Array && y.length > 0 && y.length < size;
  if (!shortX && !shortY) return undefined;
  const map = new Map(key);
  const notes: string[] = [];
  if (shortX) {
    map.set(CoseKeyLabel.x, leftPad(x, size));
    notes.push(`x is ${x.length} bytes`);
  }
  if (shortY) {
    map.set(CoseKeyLabel.y, leftPad(y, size));
    notes.push(`y is ${y.length} bytes`);
  }
  return { map, detail: `${notes.join(', ')}, not ${size}: read left-padded with zeros` };
}

/**
 * The MSO's device key, or why it cannot be used. The problem stays with the key (the rest of
 * the MSO is read and checked as usual) and makes the MSO fail its structure check and device
 * authentication: a key that cannot be used is never taken as any key.
 */
function readDeviceKey(value: CborValue, path: string, deviations: Deviation[]): { deviceKey: PublicKey } | { deviceKeyError: DeviceKeyError } {
  const unusable = (detail: string) => ({ deviceKeyError: { path, detail } });
  if (!(value instanceof Map)) return unusable(`expected a COSE_Key map, got ${describeValue(value)}`);
  let keyMap: CborMap = value;
  const kid = value.get(CoseKeyLabel.kid);
  if (kid !== undefined && !(kid instanceof Uint8Array)) {
    deviations.push({ id: MdocDeviation.DEVICE_KEY_KID_TYPE, path, detail: `kid is ${kid === null ? 'null' : typeof kid}, not a byte string` });
    keyMap = new Map([...value].filter(([label]) => label !== CoseKeyLabel.kid));
  }
  if (keyMap.has(CoseKeyLabel.d)) return unusable('the device key must not carry a private part');
  const padded = padShortCoordinates(keyMap);
  if (padded !== undefined) {
    deviations.push({ id: MdocDeviation.DEVICE_KEY_COORDINATE_SHORT, path, detail: padded.detail });
    keyMap = padded.map;
  }
  try {
    return { deviceKey: decodeCosePublicKey(keyMap).key };
  } catch (e) {
    if (e instanceof CoseError) return unusable(e.message);
    throw e;
  }
}

/**
 * Read a MobileSecurityObject from its decoded map. A device key `kid` that is not a byte
 * string (never used by shomei) or with a coordinate shorter than its field, `"status":
 * null`, a status identifier sent as text, empty valueDigests maps, empty keyAuthorizations
 * lists, optional members sent as `null`, and validity dates sent untagged, as full-dates,
 * with a fraction of seconds or with another offset than `Z` are read past and recorded in `deviations` (`DEVICE_KEY_KID_TYPE`,
 * `DEVICE_KEY_COORDINATE_SHORT`, `MSO_STATUS_NULL`, `STATUS_ID_TEXT`, `EMPTY_VALUE_DIGESTS`,
 * `EMPTY_KEY_AUTHORIZATIONS`, `MSO_OPTIONAL_NULL`, `VALIDITY_DATE_UNTAGGED`,
 * `VALIDITY_FULL_DATE`, `TDATE_FRACTIONAL_SECONDS`, `TDATE_UTC_OFFSET`).
 *
 * A deviceKey that is not a usable COSE_Key (not a map, an unsupported key type or curve, a
 * point off its curve, a private part) does not stop the decoding: `deviceKeyInfo.deviceKey`
 * is then absent and `deviceKeyInfo.deviceKeyError` says why, so that a verifier can still
 * report the MSO's other checks. Such an MSO is never valid: the verifiers fail MSO_STRUCTURE
 * and DEVICE_AUTH for it, and `buildDeviceResponse` refuses to present it.
 * @throws MdocError `ERR_MDOC_STRUCTURE` with the path of the first problem (a missing
 *   deviceKey included).
 */
export function decodeMobileSecurityObject(value: CborValue, path = 'mso'): MobileSecurityObject {
  const m = asMap(value, path);
  const deviations: Deviation[] = [];
  const version = asText(field(m, 'version', path), at(path, 'version'));
  const digestAlgorithm = asText(field(m, 'digestAlgorithm', path), at(path, 'digestAlgorithm'));
  const docType = asIdentifier(field(m, 'docType', path), at(path, 'docType'));

  const vdPath = at(path, 'valueDigests');
  const valueDigests = new Map<string, Map<number, Uint8Array>>();
  for (const [namespace, ids] of textKeyed(asMap(field(m, 'valueDigests', path), vdPath), vdPath)) {
    const p = at(vdPath, namespace);
    const digests = new Map<number, Uint8Array>();
    for (const [id, digest] of asMap(ids, p)) {
      // The paths are built only for an error: a valid MSO has a digest per element.
      const digestID = isUint(id) ? id : asUint(id as CborValue, `${p} key`);
      digests.set(digestID, digest instanceof Uint8Array ? digest : asBytes(digest, `${p}[${digestID}]`));
    }
    if (digests.size === 0) deviations.push({ id: MdocDeviation.EMPTY_VALUE_DIGESTS, path: p, detail: 'no digest: the MSO certifies no element of this namespace' });
    valueDigests.set(namespace, digests);
  }
  if (valueDigests.size === 0) deviations.push({ id: MdocDeviation.EMPTY_VALUE_DIGESTS, path: vdPath, detail: 'no namespace: the MSO certifies no element' });

  const dkPath = at(path, 'deviceKeyInfo');
  const dki = asMap(field(m, 'deviceKeyInfo', path), dkPath);
  const deviceKeyCose = field(dki, 'deviceKey', dkPath);
  const key = readDeviceKey(deviceKeyCose, at(dkPath, 'deviceKey'), deviations);
  const ka = msoOptional(dki, 'keyAuthorizations', dkPath, deviations);
  const ki = msoOptional(dki, 'keyInfo', dkPath, deviations);
  if (ki !== undefined) for (const k of asMap(ki, at(dkPath, 'keyInfo')).keys()) asInt(k as CborValue, `${at(dkPath, 'keyInfo')} key`);

  const viPath = at(path, 'validityInfo');
  const vi = asMap(field(m, 'validityInfo', path), viPath);
  const expectedUpdate = msoOptional(vi, 'expectedUpdate', viPath, deviations);
  const date = (key: string) => validityDate(field(vi, key, viPath), at(viPath, key), deviations);
  const validityInfo: ValidityInfo = {
    signed: date('signed'),
    validFrom: date('validFrom'),
    validUntil: date('validUntil'),
    ...(expectedUpdate === undefined ? {} : { expectedUpdate: validityDate(expectedUpdate, at(viPath, 'expectedUpdate'), deviations) }),
  };
  let status = optional(m, 'status');
  if (status === null) {
    deviations.push({ id: MdocDeviation.MSO_STATUS_NULL, path: at(path, 'status'), detail: 'status is null' });
    status = undefined;
  }

  return {
    version,
    digestAlgorithm,
    valueDigests,
    deviceKeyInfo: {
      deviceKeyCose,
      ...key,
      ...(ka === undefined ? {} : { keyAuthorizations: decodeKeyAuthorizations(ka, at(dkPath, 'keyAuthorizations'), deviations) }),
      ...(ki === undefined ? {} : { keyInfo: ki as CborMap }),
    },
    docType,
    validityInfo,
    ...(status === undefined ? {} : { status: decodeStatus(status, at(path, 'status'), deviations) }),
    ...(deviations.length === 0 ? {} : { deviations }),
  };
}

/** The MSO as a CBOR map, ready for `encodeEmbedded`. */
export function encodeMobileSecurityObject(mso: MobileSecurityObject): Map<string, CborValue> {
  const dki = new Map<string, CborValue>([['deviceKey', mso.deviceKeyInfo.deviceKeyCose]]);
  const ka = mso.deviceKeyInfo.keyAuthorizations;
  if (ka !== undefined) {
    const m = new Map<string, CborValue>();
    if (ka.nameSpaces !== undefined) m.set('nameSpaces', [...ka.nameSpaces]);
    if (ka.dataElements !== undefined) m.set('dataElements', new Map([...ka.dataElements].map(([k, v]) => [k, [...v]])));
    dki.set('keyAuthorizations', m);
  }
  if (mso.deviceKeyInfo.keyInfo !== undefined) dki.set('keyInfo', mso.deviceKeyInfo.keyInfo);
  const vi = new Map<string, CborValue>([
    ['signed', mso.validityInfo.signed],
    ['validFrom', mso.validityInfo.validFrom],
    ['validUntil', mso.validityInfo.validUntil],
  ]);
  if (mso.validityInfo.expectedUpdate !== undefined) vi.set('expectedUpdate', mso.validityInfo.expectedUpdate);
  const m = new Map<string, CborValue>([
    ['version', mso.version],
    ['digestAlgorithm', mso.digestAlgorithm],
    ['valueDigests', new Map([...mso.valueDigests].map(([ns, d]) => [ns, new Map(d)]))],
    ['deviceKeyInfo', dki],
    ['docType', mso.docType],
    ['validityInfo', vi],
  ]);
  if (mso.status !== undefined) {
    const s = new Map<string, CborValue>();
    for (const [k, v] of Object.entries(mso.status)) if (v !== undefined) s.set(k, new Map(Object.entries(v) as [string, CborValue][]));
    m.set('status', s);
  }
  return m;
}

/** True when `alg` is one of the digest algorithms ISO 18013-5 allows. */
export function isDigestAlgorithm(alg: string): alg is DigestAlgorithm {
  return (DIGEST_ALGORITHMS as readonly string[]).includes(alg);
}

/** Check a digest algorithm name, throwing `ERR_MDOC_UNSUPPORTED` otherwise. */
export function checkDigestAlgorithm(alg: string): DigestAlgorithm {
  if (!isDigestAlgorithm(alg)) throw new MdocError('ERR_MDOC_UNSUPPORTED', `unsupported digest algorithm ${JSON.stringify(alg)}`);
  return alg;
}

/** A tdate for `date` with whole seconds, as the MSO requires. */
export function msoDate(date: Date): TDate {
  return TDate.fromDate(new Date(Math.floor(date.getTime() / 1000) * 1000));
}
