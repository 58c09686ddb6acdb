/**
 * Certificate extensions, RFC 5280 §4.2: the parsed forms of the extensions shomei
 * understands, GeneralName (§4.2.1.6), and their DER writers for `build.ts`.
 *
 * ```asn1
 * Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 * GeneralName ::= CHOICE {
 *   otherName [0] AnotherName, rfc822Name [1] IA5String, dNSName [2] IA5String,
 *   x400Address [3] ORAddress, directoryName [4] Name, ediPartyName [5] EDIPartyName,
 *   uniformResourceIdentifier [6] IA5String, iPAddress [7] OCTET STRING, registeredID [8] OBJECT IDENTIFIER }
 * AnotherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY DEFINED BY type-id }
 * ```
 */
import {
  type BitString,
  bitSet,
  contextTag,
  DerReader,
  decodeBitString,
  decodeBoolean,
  decodeIa5,
  decodeOid,
  decodeSmallInteger,
  decodeString,
  encodeBitString,
  encodeBoolean,
  encodeInteger,
  encodeOctetString,
  encodeOid,
  encodeSequence,
  encodeString,
  encodeTlv,
  integerBytes,
  integerHex,
  isStringTag,
  parseError,
  readSingle,
  readSingleTagged,
  Tag,
  type Tlv,
} from './der.js';
import { encodeName, type NameInput, parseNameTlv, type X509Name } from './name.js';
import { ExtensionOid, ID_QT_CPS } from './oids.js';

/** One extension as received. */
export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING content (the extension's own DER). */
  readonly value: Uint8Array;
}

/** A GeneralName (RFC 5280 §4.2.1.6). */
export type GeneralName =
  | { readonly type: 'otherName'; readonly typeId: string; readonly value: Uint8Array; readonly text: string | null }
  | { readonly type: 'rfc822Name' | 'dNSName' | 'uniformResourceIdentifier'; readonly value: string }
  | { readonly type: 'directoryName'; readonly value: X509Name }
  | { readonly type: 'iPAddress'; readonly value: Uint8Array }
  | { readonly type: 'registeredID'; readonly value: string }
  | { readonly type: 'x400Address' | 'ediPartyName'; readonly value: Uint8Array };

/** A GeneralName to build. `otherName` values are DER, or text written as UTF8String. */
export type GeneralNameInput =
  | { readonly type: 'otherName'; readonly typeId: string; readonly value: Uint8Array | string }
  | { readonly type: 'rfc822Name' | 'dNSName' | 'uniformResourceIdentifier'; readonly value: string }
  | { readonly type: 'directoryName'; readonly value: NameInput }
  | { readonly type: 'iPAddress'; readonly value: Uint8Array }
  | { readonly type: 'registeredID'; readonly value: string };

/** basicConstraints (§4.2.1.9). `pathLen` is null when absent. */
export interface BasicConstraints {
  readonly critical: boolean;
  readonly cA: boolean;
  readonly pathLen: number | null;
}

/** The named bits of KeyUsage (§4.2.1.3), in bit order. */
export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGES)[number];

/** keyUsage (§4.2.1.3): the asserted bits by name. */
export interface KeyUsage {
  readonly critical: boolean;
  readonly usages: readonly KeyUsageName[];
}

/** extKeyUsage (§4.2.1.12). */
export interface ExtKeyUsage {
  readonly critical: boolean;
  readonly oids: readonly string[];
}

/** subjectKeyIdentifier (§4.2.1.2). */
export interface SubjectKeyIdentifier {
  readonly critical: boolean;
  readonly keyIdentifier: Uint8Array;
}

/** authorityKeyIdentifier (§4.2.1.1); absent fields are null. `authorityCertSerialNumber` is hex. */
export interface AuthorityKeyIdentifier {
  readonly critical: boolean;
  readonly keyIdentifier: Uint8Array | null;
  readonly authorityCertIssuer: readonly GeneralName[] | null;
  readonly authorityCertSerialNumber: string | null;
}

/** subjectAltName / issuerAltName (§4.2.1.6, §4.2.1.7). */
export interface AltName {
  readonly critical: boolean;
  readonly names: readonly GeneralName[];
}

/** One DistributionPoint (§4.2.1.13); `reasons` is the ReasonFlags BIT STRING content when present. */
export interface DistributionPoint {
  readonly fullName: readonly GeneralName[] | null;
  /** nameRelativeToCRLIssuer, as the DER of the RDN SET. */
  readonly nameRelativeToCRLIssuer: Uint8Array | null;
  readonly reasons: Uint8Array | null;
  readonly cRLIssuer: readonly GeneralName[] | null;
}

/** cRLDistributionPoints (§4.2.1.13); `uris` collects every URI full name. */
export interface CrlDistributionPoints {
  readonly critical: boolean;
  readonly points: readonly DistributionPoint[];
  readonly uris: readonly string[];
}

/** One PolicyInformation (§4.2.1.4), with its CPS pointer qualifiers. */
export interface PolicyInformation {
  readonly oid: string;
  readonly cpsUris: readonly string[];
}

/** certificatePolicies (§4.2.1.4). */
export interface CertificatePolicies {
  readonly critical: boolean;
  readonly policies: readonly PolicyInformation[];
  readonly oids: readonly string[];
}

// ---------------------------------------------------------------------------------------
// Parsing

const GN_TYPES = [
  'otherName',
  'rfc822Name',
  'dNSName',
  'x400Address',
  'directoryName',
  'ediPartyName',
  'uniformResourceIdentifier',
  'iPAddress',
  'registeredID',
] as const;

/** Parse one GeneralName TLV (internal). */
export function parseGeneralName(t: Tlv): GeneralName {
  if ((t.tag & 0xc0) !== 0x80) parseError('GeneralName: expected a context-specific tag', t.offset);
  const n = t.tag & 0x1f;
  const constructed = (t.tag & 0x20) !== 0;
  const type = GN_TYPES[n];
  if (type === undefined) return parseError(`GeneralName: unknown choice [${n}]`, t.offset);
  switch (type) {
    case 'otherName': {
      if (!constructed) parseError('otherName must be constructed', t.offset);
      const r = DerReader.inside(t, 'otherName');
      const typeId = decodeOid(r.expect(Tag.OID, 'otherName type-id'), 'otherName type-id');
      const wrapper = r.expect(contextTag(0, true), 'otherName value');
      r.finish('otherName');
      const inner = readSingle(wrapper.content, 'otherName value', wrapper.contentOffset);
      const text = isStringTag(inner.tag) ? decodeString(inner, 'otherName value') : null;
      return Object.freeze({ type, typeId, value: inner.der, text });
    }
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      if (constructed) parseError(`${type} must be primitive`, t.offset);
      return Object.freeze({ type, value: decodeIa5(t, type, t.tag) });
    case 'directoryName': {
      if (!constructed) parseError('directoryName must be constructed', t.offset);
      const r = DerReader.inside(t, 'directoryName');
      const name = parseNameTlv(r.expect(Tag.SEQUENCE, 'directoryName'));
      r.finish('directoryName');
      return Object.freeze({ type, value: name });
    }
    case 'iPAddress':
      if (constructed || (t.content.length !== 4 && t.content.length !== 16)) parseError('iPAddress must be 4 or 16 octets', t.offset);
      return Object.freeze({ type, value: t.content });
    case 'registeredID':
      return Object.freeze({ type, value: decodeOid({ ...t, tag: Tag.OID }, 'registeredID') });
    default:
      if (!constructed) parseError(`${type} must be constructed`, t.offset);
      return Object.freeze({ type, value: t.content });
  }
}

/** Parse a GeneralNames SEQUENCE (or the implicitly tagged content of one) (internal). */
export function parseGeneralNames(t: Tlv, what: string, allowEmpty = false): GeneralName[] {
  const r = DerReader.inside(t, what);
  const names: GeneralName[] = [];
  while (!r.atEnd()) names.push(parseGeneralName(r.next(what)));
  if (names.length === 0 && !allowEmpty) parseError(`${what}: GeneralNames must not be empty`, t.offset);
  return names;
}

function valueTlv(ext: Extension, offset: number, tag: number, what: string): Tlv {
  return readSingleTagged(ext.value, tag, what, offset);
}

/** basicConstraints: `SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }`. */
export function parseBasicConstraints(ext: Extension, offset: number): BasicConstraints {
  const r = DerReader.inside(valueTlv(ext, offset, Tag.SEQUENCE, 'basicConstraints'), 'basicConstraints');
  const ca = r.optional(Tag.BOOLEAN, 'cA');
  const cA = ca === undefined ? false : decodeBoolean(ca, 'cA');
  const pl = r.optional(Tag.INTEGER, 'pathLenConstraint');
  const pathLen = pl === undefined ? null : decodeSmallInteger(pl, 'pathLenConstraint');
  r.finish('basicConstraints');
  return Object.freeze({ critical: ext.critical, cA, pathLen });
}

/** keyUsage: `BIT STRING { digitalSignature (0), … decipherOnly (8) }`. */
export function parseKeyUsage(ext: Extension, offset: number): KeyUsage {
  const bs: BitString = decodeBitString(valueTlv(ext, offset, Tag.BIT_STRING, 'keyUsage'), 'keyUsage');
  const usages = KEY_USAGES.filter((_, i) => bitSet(bs, i));
  return Object.freeze({ critical: ext.critical, usages: Object.freeze(usages) });
}

/** extKeyUsage: `SEQUENCE SIZE (1..MAX) OF KeyPurposeId`. */
export function parseExtKeyUsage(ext: Extension, offset: number): ExtKeyUsage {
  const r = DerReader.inside(valueTlv(ext, offset, Tag.SEQUENCE, 'extKeyUsage'), 'extKeyUsage');
  const oids: string[] = [];
  while (!r.atEnd()) oids.push(decodeOid(r.expect(Tag.OID, 'KeyPurposeId'), 'KeyPurposeId'));
  if (oids.length === 0) parseError('extKeyUsage is empty', offset);
  return Object.freeze({ critical: ext.critical, oids: Object.freeze(oids) });
}

/** subjectKeyIdentifier: `OCTET STRING`. */
export function parseSubjectKeyIdentifier(ext: Extension, offset: number): SubjectKeyIdentifier {
  const t = valueTlv(ext, offset, Tag.OCTET_STRING, 'subjectKeyIdentifier');
  return Object.freeze({ critical: ext.critical, keyIdentifier: t.content });
}

/** authorityKeyIdentifier: `SEQUENCE { keyIdentifier [0], authorityCertIssuer [1], authorityCertSerialNumber [2] }`. */
export function parseAuthorityKeyIdentifier(ext: Extension, offset: number): AuthorityKeyIdentifier {
  const r = DerReader.inside(valueTlv(ext, offset, Tag.SEQUENCE, 'authorityKeyIdentifier'), 'authorityKeyIdentifier');
  const ki = r.optional(contextTag(0, false), 'keyIdentifier');
  const issuer = r.optional(contextTag(1, true), 'authorityCertIssuer');
  const serial = r.optional(contextTag(2, false), 'authorityCertSerialNumber');
  r.finish('authorityKeyIdentifier');
  return Object.freeze({
    critical: ext.critical,
    keyIdentifier: ki === undefined ? null : ki.content,
    authorityCertIssuer: issuer === undefined ? null : Object.freeze(parseGeneralNames(issuer, 'authorityCertIssuer')),
    authorityCertSerialNumber: serial === undefined ? null : integerHex(integerBytes(serial, 'authorityCertSerialNumber', serial.tag)),
  });
}

/** subjectAltName / issuerAltName: `GeneralNames`. */
export function parseAltName(ext: Extension, offset: number, what: string): AltName {
  const names = parseGeneralNames(valueTlv(ext, offset, Tag.SEQUENCE, what), what);
  return Object.freeze({ critical: ext.critical, names: Object.freeze(names) });
}

/** Parse one DistributionPoint or the IssuingDistributionPoint's distributionPoint field (internal). */
export function parseDistributionPointName(t: Tlv): { fullName: GeneralName[] | null; nameRelativeToCRLIssuer: Uint8Array | null } {
  const r = DerReader.inside(t, 'distributionPoint');
  const choice = r.next('DistributionPointName');
  r.finish('distributionPoint');
  if (choice.tag === contextTag(0, true)) return { fullName: parseGeneralNames(choice, 'fullName'), nameRelativeToCRLIssuer: null };
  if (choice.tag === contextTag(1, true)) return { fullName: null, nameRelativeToCRLIssuer: choice.der };
  return parseError('DistributionPointName: unknown choice', choice.offset);
}

/** cRLDistributionPoints: `SEQUENCE SIZE (1..MAX) OF DistributionPoint`. */
export function parseCrlDistributionPoints(ext: Extension, offset: number): CrlDistributionPoints {
  const r = DerReader.inside(valueTlv(ext, offset, Tag.SEQUENCE, 'cRLDistributionPoints'), 'cRLDistributionPoints');
  const points: DistributionPoint[] = [];
  const uris: string[] = [];
  while (!r.atEnd()) {
    const dp = DerReader.inside(r.expect(Tag.SEQUENCE, 'DistributionPoint'), 'DistributionPoint');
    const name = dp.optional(contextTag(0, true), 'distributionPoint');
    const reasons = dp.optional(contextTag(1, false), 'reasons');
    const issuer = dp.optional(contextTag(2, true), 'cRLIssuer');
    dp.finish('DistributionPoint');
    const parsed = name === undefined ? { fullName: null, nameRelativeToCRLIssuer: null } : parseDistributionPointName(name);
    if (reasons !== undefined) decodeBitString({ ...reasons, tag: Tag.BIT_STRING }, 'reasons');
    for (const gn of parsed.fullName ?? []) if (gn.type === 'uniformResourceIdentifier') uris.push(gn.value);
    points.push(
      Object.freeze({
        fullName: parsed.fullName === null ? null : Object.freeze(parsed.fullName),
        nameRelativeToCRLIssuer: parsed.nameRelativeToCRLIssuer,
        reasons: reasons === undefined ? null : reasons.content,
        cRLIssuer: issuer === undefined ? null : Object.freeze(parseGeneralNames(issuer, 'cRLIssuer')),
      }),
    );
  }
  if (points.length === 0) parseError('cRLDistributionPoints is empty', offset);
  return Object.freeze({ critical: ext.critical, points: Object.freeze(points), uris: Object.freeze(uris) });
}

/** certificatePolicies: `SEQUENCE SIZE (1..MAX) OF PolicyInformation`. */
export function parseCertificatePolicies(ext: Extension, offset: number): CertificatePolicies {
  const r = DerReader.inside(valueTlv(ext, offset, Tag.SEQUENCE, 'certificatePolicies'), 'certificatePolicies');
  const policies: PolicyInformation[] = [];
  while (!r.atEnd()) {
    const pi = DerReader.inside(r.expect(Tag.SEQUENCE, 'PolicyInformation'), 'PolicyInformation');
    const oid = decodeOid(pi.expect(Tag.OID, 'policyIdentifier'), 'policyIdentifier');
    const cpsUris: string[] = [];
    const quals = pi.optional(Tag.SEQUENCE, 'policyQualifiers');
    pi.finish('PolicyInformation');
    if (quals !== undefined) {
      const qr = DerReader.inside(quals, 'policyQualifiers');
      while (!qr.atEnd()) {
        const q = DerReader.inside(qr.expect(Tag.SEQUENCE, 'PolicyQualifierInfo'), 'PolicyQualifierInfo');
        const qid = decodeOid(q.expect(Tag.OID, 'policyQualifierId'), 'policyQualifierId');
        const qv = q.next('qualifier');
        q.finish('PolicyQualifierInfo');
        if (qid === ID_QT_CPS && qv.tag === Tag.IA5_STRING) cpsUris.push(decodeIa5(qv, 'cPSuri'));
      }
    }
    policies.push(Object.freeze({ oid, cpsUris: Object.freeze(cpsUris) }));
  }
  if (policies.length === 0) parseError('certificatePolicies is empty', offset);
  return Object.freeze({ critical: ext.critical, policies: Object.freeze(policies), oids: Object.freeze(policies.map((p) => p.oid)) });
}

/** Parse `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (internal); duplicates are an error (§4.2). */
export function parseExtensionList(t: Tlv): { extensions: Extension[]; offsets: number[] } {
  const r = DerReader.inside(t, 'Extensions');
  const extensions: Extension[] = [];
  const offsets: number[] = [];
  const seen = new Set<string>();
  while (!r.atEnd()) {
    const e = DerReader.inside(r.expect(Tag.SEQUENCE, 'Extension'), 'Extension');
    const oidTlv = e.expect(Tag.OID, 'extnID');
    const oid = decodeOid(oidTlv, 'extnID');
    const c = e.optional(Tag.BOOLEAN, 'critical');
    const critical = c === undefined ? false : decodeBoolean(c, 'critical');
    const value = e.expect(Tag.OCTET_STRING, 'extnValue');
    e.finish('Extension');
    if (seen.has(oid)) parseError(`extension ${oid} appears more than once`, oidTlv.offset);
    seen.add(oid);
    extensions.push(Object.freeze({ oid, critical, value: value.content }));
    offsets.push(value.contentOffset);
  }
  if (extensions.length === 0) parseError('Extensions must not be empty', t.offset);
  return { extensions, offsets };
}

/** The extensions a certificate path validation understands (RFC 5280 §4.2, §6.1.4 (o)). */
export const UNDERSTOOD_EXTENSIONS: ReadonlySet<string> = new Set([
  ExtensionOid.basicConstraints,
  ExtensionOid.keyUsage,
  ExtensionOid.extKeyUsage,
  ExtensionOid.subjectKeyIdentifier,
  ExtensionOid.authorityKeyIdentifier,
  ExtensionOid.subjectAltName,
  ExtensionOid.issuerAltName,
  ExtensionOid.cRLDistributionPoints,
  // Parsed; no policy constraints are applied (RFC 5280 §6.1 with any-policy as the initial set).
  ExtensionOid.certificatePolicies,
]);

// ---------------------------------------------------------------------------------------
// Writing

/** The DER of a GeneralName. */
export function encodeGeneralName(gn: GeneralNameInput): Uint8Array {
  switch (gn?.type) {
    case 'otherName': {
      const inner = typeof gn.value === 'string' ? encodeString(Tag.UTF8_STRING, gn.value) : gn.value;
      if (!(inner instanceof Uint8Array)) throw new TypeError('otherName value must be DER bytes or a string');
      readSingle(inner, 'otherName value');
      return encodeTlv(contextTag(0, true), encodeOid(gn.typeId), encodeTlv(contextTag(0, true), inner));
    }
    case 'rfc822Name':
      return encodeString(contextTag(1, false), gn.value);
    case 'dNSName':
      return encodeString(contextTag(2, false), gn.value);
    case 'uniformResourceIdentifier':
      return encodeString(contextTag(6, false), gn.value);
    case 'directoryName':
      return encodeTlv(contextTag(4, true), encodeName(gn.value));
    case 'iPAddress':
      if (!(gn.value instanceof Uint8Array) || (gn.value.length !== 4 && gn.value.length !== 16)) throw new TypeError('iPAddress must be 4 or 16 bytes');
      return encodeTlv(contextTag(7, false), gn.value);
    case 'registeredID':
      return encodeTlv(contextTag(8, false), encodeOid(gn.value).subarray(2));
    default:
      throw new TypeError(`unsupported GeneralName type ${String((gn as { type?: unknown })?.type)}`);
  }
}

/** GeneralNames SEQUENCE. */
export function encodeGeneralNames(names: readonly GeneralNameInput[]): Uint8Array {
  if (!Array.isArray(names) || names.length === 0) throw new TypeError('GeneralNames must be a non-empty array');
  return encodeSequence(...names.map(encodeGeneralName));
}

/** One Extension SEQUENCE. */
export function encodeExtension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? encodeSequence(encodeOid(oid), encodeBoolean(true), encodeOctetString(value)) : encodeSequence(encodeOid(oid), encodeOctetString(value));
}

/** basicConstraints value. */
export function encodeBasicConstraints(cA: boolean, pathLen?: number): Uint8Array {
  const parts: Uint8Array[] = [];
  if (cA) parts.push(encodeBoolean(true));
  if (pathLen !== undefined) {
    if (!Number.isSafeInteger(pathLen) || pathLen < 0) throw new RangeError('pathLen must be a non-negative integer');
    parts.push(encodeInteger(pathLen));
  }
  return encodeSequence(...parts);
}

/** keyUsage value: the named bits, with trailing zero bits removed (X.690 §11.2.2). */
export function encodeKeyUsage(usages: readonly KeyUsageName[]): Uint8Array {
  if (!Array.isArray(usages) || usages.length === 0) throw new TypeError('keyUsage needs at least one usage');
  let highest = -1;
  const bits = new Uint8Array(2);
  for (const u of usages) {
    const i = KEY_USAGES.indexOf(u);
    if (i < 0) throw new TypeError(`unknown key usage ${String(u)}`);
    bits[i >> 3]! |= 0x80 >> (i & 7);
    highest = Math.max(highest, i);
  }
  const length = (highest >> 3) + 1;
  return encodeBitString(bits.subarray(0, length), 7 - (highest & 7));
}

/** extKeyUsage value. */
export function encodeExtKeyUsage(oids: readonly string[]): Uint8Array {
  if (!Array.isArray(oids) || oids.length === 0) throw new TypeError('extKeyUsage needs at least one OID');
  return encodeSequence(...oids.map(encodeOid));
}

/** authorityKeyIdentifier value with a keyIdentifier only. */
export function encodeAuthorityKeyIdentifier(keyIdentifier: Uint8Array): Uint8Array {
  return encodeSequence(encodeTlv(contextTag(0, false), keyIdentifier));
}

/** cRLDistributionPoints value: one DistributionPoint with a fullName per entry. */
export function encodeCrlDistributionPoints(points: readonly (string | readonly GeneralNameInput[])[]): Uint8Array {
  if (!Array.isArray(points) || points.length === 0) throw new TypeError('cRLDistributionPoints needs at least one point');
  return encodeSequence(
    ...points.map((p) => {
      const names: readonly GeneralNameInput[] = typeof p === 'string' ? [{ type: 'uniformResourceIdentifier', value: p }] : p;
      const full = encodeTlv(contextTag(0, true), ...names.map(encodeGeneralName));
      return encodeSequence(encodeTlv(contextTag(0, true), full));
    }),
  );
}

/** certificatePolicies value, one PolicyInformation per OID, without qualifiers. */
export function encodeCertificatePolicies(oids: readonly string[]): Uint8Array {
  if (!Array.isArray(oids) || oids.length === 0) throw new TypeError('certificatePolicies needs at least one OID');
  return encodeSequence(...oids.map((o) => encodeSequence(encodeOid(o))));
}
