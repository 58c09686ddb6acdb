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
import { type Note, X509FindingId } from './findings.js';
import { nameSyntaxProblem } from './name-syntax.js';
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

/**
 * Most elements read from one list in a certificate (RFC 5280 sets no upper bound): a 64 KiB
 * certificate of two-byte names would otherwise become tens of thousands of objects, about 100
 * times its size. Beyond a cap the extension does not decode (EXTENSION_MALFORMED, its field
 * null), like any other value shomei cannot read.
 */
export const CERTIFICATE_LIST_LIMITS = Object.freeze({
  /** Extensions of one certificate (and of one CRL or CRL entry). */
  extensions: 64,
  /** Names in one GeneralNames (subjectAltName, issuerAltName, a distribution point's fullName or cRLIssuer…). */
  generalNames: 256,
  /** DistributionPoints in cRLDistributionPoints. */
  distributionPoints: 8,
  /** PolicyInformation entries in certificatePolicies, and KeyPurposeIds in extKeyUsage. */
  policies: 64,
  /** PolicyQualifierInfo entries of one policy. */
  qualifiers: 8,
});

/** The next element of the list `into` is being filled from, unless it already holds `max`. */
function nextItem(r: DerReader, into: readonly unknown[], max: number, what: string, tag?: number): Tlv {
  if (into.length >= max) parseError(`${what}: more than ${max} (shomei's cap)`, r.offset);
  return tag === undefined ? r.next(what) : r.expect(tag, what);
}

/** Text of an IA5String whose octets may not all be ASCII: as Latin-1, with a finding (internal). */
function lenientIa5(t: Tlv, what: string, note: Note): string {
  let s = '';
  let ascii = true;
  for (const b of t.content) {
    if (b >= 0x80) ascii = false;
    s += String.fromCharCode(b);
  }
  if (!ascii) note(X509FindingId.EXTENSION_NONCONFORMANT, `${what} holds non-ASCII octets (read as Latin-1)`, t.offset);
  return s;
}

/** An IA5String name (a GeneralName's, a CPS pointer's URI), with a finding when it breaks RFC 5280 §4.2.1.6's syntax for `type`. */
function ia5Name(t: Tlv, what: string, type: 'rfc822Name' | 'dNSName' | 'uniformResourceIdentifier', note: Note): string {
  const value = lenientIa5(t, what, note);
  const problem = nameSyntaxProblem(type, value);
  if (problem !== undefined) note(X509FindingId.EXTENSION_NONCONFORMANT, `${what} ${problem}`, t.offset);
  return value;
}

/**
 * Parse one GeneralName TLV (internal). A choice that does not exist, or a form its type
 * cannot have, throws `ERR_X509_PARSE`; readable oddities go to `note`.
 */
export function parseGeneralName(t: Tlv, note: Note): GeneralName {
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
      let text: string | null = null;
      if (isStringTag(inner.tag)) {
        try {
          text = decodeString(inner, 'otherName value');
        } catch {
          note(X509FindingId.EXTENSION_NONCONFORMANT, `otherName ${typeId} value is not a valid character string`, inner.offset);
        }
      }
      return Object.freeze({ type, typeId, value: inner.der, text });
    }
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier': {
      if (constructed) parseError(`${type} must be primitive`, t.offset);
      return Object.freeze({ type, value: ia5Name(t, type, type, note) });
    }
    case 'directoryName': {
      if (!constructed) parseError('directoryName must be constructed', t.offset);
      const r = DerReader.inside(t, 'directoryName');
      const name = parseNameTlv(r.expect(Tag.SEQUENCE, 'directoryName'));
      r.finish('directoryName');
      return Object.freeze({ type, value: name });
    }
    case 'iPAddress':
      if (constructed) parseError('iPAddress must be primitive', t.offset);
      if (t.content.length !== 4 && t.content.length !== 16) note(X509FindingId.EXTENSION_NONCONFORMANT, `iPAddress of ${t.content.length} octets (expected 4 or 16)`, t.offset);
      return Object.freeze({ type, value: t.content });
    case 'registeredID':
      if (constructed) parseError('registeredID must be primitive', t.offset);
      return Object.freeze({ type, value: decodeOid({ ...t, tag: Tag.OID }, 'registeredID') });
    default:
      if (!constructed) parseError(`${type} must be constructed`, t.offset);
      return Object.freeze({ type, value: t.content });
  }
}

/** Parse a GeneralNames SEQUENCE (or the implicitly tagged content of one) (internal); an empty one is a finding. */
export function parseGeneralNames(t: Tlv, what: string, note: Note): GeneralName[] {
  const r = DerReader.inside(t, what);
  const names: GeneralName[] = [];
  while (!r.atEnd()) names.push(parseGeneralName(nextItem(r, names, CERTIFICATE_LIST_LIMITS.generalNames, what), note));
  if (names.length === 0) note(X509FindingId.EXTENSION_EMPTY, `${what} is empty (GeneralNames needs at least one name)`, t.offset);
  return names;
}

function valueTlv(ext: Extension, offset: number, tag: number, what: string): Tlv {
  return readSingleTagged(ext.value, tag, what, offset);
}

/** basicConstraints: `SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }`. */
export function parseBasicConstraints(ext: Extension, offset: number, note: Note): BasicConstraints {
  const r = DerReader.inside(valueTlv(ext, offset, Tag.SEQUENCE, 'basicConstraints'), 'basicConstraints');
  const ca = r.optional(Tag.BOOLEAN, 'cA');
  const cA = ca === undefined ? false : decodeBoolean(ca, 'cA');
  if (ca !== undefined && !cA) note(X509FindingId.EXTENSION_NONCONFORMANT, 'basicConstraints encodes cA FALSE (DER leaves a DEFAULT value out)', ca.offset);
  const pl = r.optional(Tag.INTEGER, 'pathLenConstraint');
  const pathLen = pl === undefined ? null : decodeSmallInteger(pl, 'pathLenConstraint');
  r.finish('basicConstraints');
  if (pl !== undefined && !cA) note(X509FindingId.EXTENSION_NONCONFORMANT, 'basicConstraints has a pathLenConstraint without cA (RFC 5280 §4.2.1.9)', pl.offset);
  return Object.freeze({ critical: ext.critical, cA, pathLen });
}

/** keyUsage: `BIT STRING { digitalSignature (0), … decipherOnly (8) }`. */
export function parseKeyUsage(ext: Extension, offset: number, note: Note): KeyUsage {
  const t = valueTlv(ext, offset, Tag.BIT_STRING, 'keyUsage');
  const bs: BitString = decodeBitString(t, 'keyUsage');
  const usages = KEY_USAGES.filter((_, i) => bitSet(bs, i));
  const last = bs.bytes[bs.bytes.length - 1];
  if (last !== undefined && (last & ((1 << bs.unusedBits) - 1)) !== 0) note(X509FindingId.EXTENSION_NONCONFORMANT, 'keyUsage sets unused bits (X.690 §11.2.1)', t.offset);
  let unnamed = false;
  for (let i = KEY_USAGES.length; i < bs.bytes.length * 8 - bs.unusedBits; i++) unnamed ||= bitSet(bs, i);
  if (unnamed) note(X509FindingId.EXTENSION_NONCONFORMANT, 'keyUsage asserts bits KeyUsage does not name', t.offset);
  if (usages.length === 0 && !unnamed) {
    note(X509FindingId.EXTENSION_EMPTY, 'keyUsage asserts no bit (RFC 5280 §4.2.1.3: at least one)', t.offset);
  } else if (last !== undefined && (last & (1 << bs.unusedBits)) === 0) {
    note(X509FindingId.EXTENSION_NONCONFORMANT, 'keyUsage has trailing zero bits (DER removes them, X.690 §11.2.2)', t.offset);
  }
  return Object.freeze({ critical: ext.critical, usages: Object.freeze(usages) });
}

/** extKeyUsage: `SEQUENCE SIZE (1..MAX) OF KeyPurposeId`. */
export function parseExtKeyUsage(ext: Extension, offset: number, note: Note): ExtKeyUsage {
  const t = valueTlv(ext, offset, Tag.SEQUENCE, 'extKeyUsage');
  const r = DerReader.inside(t, 'extKeyUsage');
  const oids: string[] = [];
  while (!r.atEnd()) oids.push(decodeOid(nextItem(r, oids, CERTIFICATE_LIST_LIMITS.policies, 'KeyPurposeId', Tag.OID), 'KeyPurposeId'));
  if (oids.length === 0) note(X509FindingId.EXTENSION_EMPTY, 'extKeyUsage is empty', t.offset);
  return Object.freeze({ critical: ext.critical, oids: Object.freeze(oids) });
}

/** subjectKeyIdentifier: `OCTET STRING`. */
export function parseSubjectKeyIdentifier(ext: Extension, offset: number, note: Note): SubjectKeyIdentifier {
  const t = valueTlv(ext, offset, Tag.OCTET_STRING, 'subjectKeyIdentifier');
  if (t.content.length === 0) note(X509FindingId.EXTENSION_EMPTY, 'subjectKeyIdentifier is empty', t.offset);
  return Object.freeze({ critical: ext.critical, keyIdentifier: t.content });
}

/** authorityKeyIdentifier: `SEQUENCE { keyIdentifier [0], authorityCertIssuer [1], authorityCertSerialNumber [2] }`. */
export function parseAuthorityKeyIdentifier(ext: Extension, offset: number, note: Note): AuthorityKeyIdentifier {
  const t = valueTlv(ext, offset, Tag.SEQUENCE, 'authorityKeyIdentifier');
  const r = DerReader.inside(t, 'authorityKeyIdentifier');
  const ki = r.optional(contextTag(0, false), 'keyIdentifier');
  const issuer = r.optional(contextTag(1, true), 'authorityCertIssuer');
  const serial = r.optional(contextTag(2, false), 'authorityCertSerialNumber');
  r.finish('authorityKeyIdentifier');
  if (ki === undefined && issuer === undefined && serial === undefined) note(X509FindingId.EXTENSION_EMPTY, 'authorityKeyIdentifier holds none of its fields', t.offset);
  if ((issuer === undefined) !== (serial === undefined)) {
    note(X509FindingId.EXTENSION_NONCONFORMANT, 'authorityKeyIdentifier has one of authorityCertIssuer and authorityCertSerialNumber without the other', t.offset);
  }
  return Object.freeze({
    critical: ext.critical,
    keyIdentifier: ki === undefined ? null : ki.content,
    authorityCertIssuer: issuer === undefined ? null : Object.freeze(parseGeneralNames(issuer, 'authorityCertIssuer', note)),
    authorityCertSerialNumber: serial === undefined ? null : integerHex(integerBytes(serial, 'authorityCertSerialNumber', serial.tag)),
  });
}

/** subjectAltName / issuerAltName: `GeneralNames`. */
export function parseAltName(ext: Extension, offset: number, what: string, note: Note): AltName {
  const names = parseGeneralNames(valueTlv(ext, offset, Tag.SEQUENCE, what), what, note);
  return Object.freeze({ critical: ext.critical, names: Object.freeze(names) });
}

/** Parse one DistributionPoint or the IssuingDistributionPoint's distributionPoint field (internal). */
export function parseDistributionPointName(t: Tlv, note: Note): { fullName: GeneralName[] | null; nameRelativeToCRLIssuer: Uint8Array | null } {
  const r = DerReader.inside(t, 'distributionPoint');
  const choice = r.next('DistributionPointName');
  r.finish('distributionPoint');
  if (choice.tag === contextTag(0, true)) return { fullName: parseGeneralNames(choice, 'fullName', note), nameRelativeToCRLIssuer: null };
  if (choice.tag === contextTag(1, true)) return { fullName: null, nameRelativeToCRLIssuer: choice.der };
  return parseError('DistributionPointName: unknown choice', choice.offset);
}

/** cRLDistributionPoints: `SEQUENCE SIZE (1..MAX) OF DistributionPoint`. */
export function parseCrlDistributionPoints(ext: Extension, offset: number, note: Note): CrlDistributionPoints {
  const t = valueTlv(ext, offset, Tag.SEQUENCE, 'cRLDistributionPoints');
  const r = DerReader.inside(t, 'cRLDistributionPoints');
  const points: DistributionPoint[] = [];
  const uris: string[] = [];
  while (!r.atEnd()) {
    const dpTlv = nextItem(r, points, CERTIFICATE_LIST_LIMITS.distributionPoints, 'DistributionPoint', Tag.SEQUENCE);
    const dp = DerReader.inside(dpTlv, 'DistributionPoint');
    const name = dp.optional(contextTag(0, true), 'distributionPoint');
    const reasons = dp.optional(contextTag(1, false), 'reasons');
    const issuer = dp.optional(contextTag(2, true), 'cRLIssuer');
    dp.finish('DistributionPoint');
    if (name === undefined && issuer === undefined) {
      note(X509FindingId.EXTENSION_NONCONFORMANT, `DistributionPoint ${points.length} has neither distributionPoint nor cRLIssuer (RFC 5280 §4.2.1.13)`, dpTlv.offset);
    }
    const parsed = name === undefined ? { fullName: null, nameRelativeToCRLIssuer: null } : parseDistributionPointName(name, note);
    if (reasons !== undefined) decodeBitString({ ...reasons, tag: Tag.BIT_STRING }, 'reasons');
    for (const gn of parsed.fullName ?? []) if (gn.type === 'uniformResourceIdentifier') uris.push(gn.value);
    points.push(
      Object.freeze({
        fullName: parsed.fullName === null ? null : Object.freeze(parsed.fullName),
        nameRelativeToCRLIssuer: parsed.nameRelativeToCRLIssuer,
        reasons: reasons === undefined ? null : reasons.content,
        cRLIssuer: issuer === undefined ? null : Object.freeze(parseGeneralNames(issuer, 'cRLIssuer', note)),
      }),
    );
  }
  if (points.length === 0) note(X509FindingId.EXTENSION_EMPTY, 'cRLDistributionPoints is empty', t.offset);
  return Object.freeze({ critical: ext.critical, points: Object.freeze(points), uris: Object.freeze(uris) });
}

/** The policy qualifiers RFC 5280 §4.2.1.4 defines. */
const ID_QT_UNOTICE = '1.3.6.1.5.5.7.2.2';

/** certificatePolicies: `SEQUENCE SIZE (1..MAX) OF PolicyInformation`. */
export function parseCertificatePolicies(ext: Extension, offset: number, note: Note): CertificatePolicies {
  const t = valueTlv(ext, offset, Tag.SEQUENCE, 'certificatePolicies');
  const r = DerReader.inside(t, 'certificatePolicies');
  const policies: PolicyInformation[] = [];
  const seen = new Set<string>();
  while (!r.atEnd()) {
    const pi = DerReader.inside(nextItem(r, policies, CERTIFICATE_LIST_LIMITS.policies, 'PolicyInformation', Tag.SEQUENCE), 'PolicyInformation');
    const oidTlv = pi.expect(Tag.OID, 'policyIdentifier');
    const oid = decodeOid(oidTlv, 'policyIdentifier');
    if (seen.has(oid)) note(X509FindingId.EXTENSION_NONCONFORMANT, `policy ${oid} appears more than once (RFC 5280 §4.2.1.4)`, oidTlv.offset);
    seen.add(oid);
    const cpsUris: string[] = [];
    const quals = pi.optional(Tag.SEQUENCE, 'policyQualifiers');
    pi.finish('PolicyInformation');
    if (quals !== undefined) {
      const qr = DerReader.inside(quals, 'policyQualifiers');
      if (qr.atEnd()) note(X509FindingId.EXTENSION_EMPTY, `policyQualifiers of ${oid} is empty`, quals.offset);
      for (let n = 0; !qr.atEnd(); n++) {
        if (n >= CERTIFICATE_LIST_LIMITS.qualifiers) parseError(`policyQualifiers of ${oid}: more than ${CERTIFICATE_LIST_LIMITS.qualifiers} (shomei's cap)`, qr.offset);
        const q = DerReader.inside(qr.expect(Tag.SEQUENCE, 'PolicyQualifierInfo'), 'PolicyQualifierInfo');
        const qidTlv = q.expect(Tag.OID, 'policyQualifierId');
        const qid = decodeOid(qidTlv, 'policyQualifierId');
        const qv = q.next('qualifier');
        q.finish('PolicyQualifierInfo');
        if (qid === ID_QT_CPS) {
          if (qv.tag === Tag.IA5_STRING) cpsUris.push(ia5Name(qv, 'cPSuri', 'uniformResourceIdentifier', note));
          else note(X509FindingId.EXTENSION_NONCONFORMANT, `CPS qualifier of ${oid} is not an IA5String`, qv.offset);
        } else if (qid !== ID_QT_UNOTICE) {
          note(X509FindingId.EXTENSION_NONCONFORMANT, `unknown policy qualifier ${qid} in ${oid}`, qidTlv.offset);
        }
      }
    }
    policies.push(Object.freeze({ oid, cpsUris: Object.freeze(cpsUris) }));
  }
  if (policies.length === 0) note(X509FindingId.EXTENSION_EMPTY, 'certificatePolicies is empty', t.offset);
  return Object.freeze({ critical: ext.critical, policies: Object.freeze(policies), oids: Object.freeze(policies.map((p) => p.oid)) });
}

/**
 * Parse `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (internal). A duplicate is an
 * error (§4.2: which instance would apply is ambiguous); an empty list and an encoded
 * `critical FALSE` are findings, reported to `note(oid)`.
 */
export function parseExtensionList(t: Tlv, note: (oid: string, critical: boolean) => Note): { extensions: Extension[]; offsets: number[] } {
  const r = DerReader.inside(t, 'Extensions');
  const extensions: Extension[] = [];
  const offsets: number[] = [];
  const seen = new Set<string>();
  while (!r.atEnd()) {
    const e = DerReader.inside(nextItem(r, extensions, CERTIFICATE_LIST_LIMITS.extensions, 'Extension', Tag.SEQUENCE), 'Extension');
    const oidTlv = e.expect(Tag.OID, 'extnID');
    const oid = decodeOid(oidTlv, 'extnID');
    const c = e.optional(Tag.BOOLEAN, 'critical');
    const critical = c === undefined ? false : decodeBoolean(c, 'critical');
    const value = e.expect(Tag.OCTET_STRING, 'extnValue');
    e.finish('Extension');
    if (seen.has(oid)) parseError(`extension ${oid} appears more than once`, oidTlv.offset);
    seen.add(oid);
    if (c !== undefined && !critical) note(oid, false)(X509FindingId.EXTENSION_NONCONFORMANT, `extension ${oid} encodes critical FALSE (DER leaves a DEFAULT value out)`, c.offset);
    extensions.push(Object.freeze({ oid, critical, value: value.content }));
    offsets.push(value.contentOffset);
  }
  if (extensions.length === 0) note('', false)(X509FindingId.EXTENSION_EMPTY, 'Extensions is empty (SIZE (1..MAX))', t.offset);
  return { extensions, offsets };
}

/** Names of the extensions shomei knows, by OID (for findings). */
export const EXTENSION_NAMES: ReadonlyMap<string, string> = new Map(Object.entries(ExtensionOid).map(([name, oid]) => [oid, name]));

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
  // Processed in path validation by name-constraints.ts (RFC 5280 §6.1.3 (b)(c), §6.1.4 (g)).
  ExtensionOid.nameConstraints,
]);

// ---------------------------------------------------------------------------------------
// Writing

const IA5_NAME_TAGS = { rfc822Name: 1, dNSName: 2, uniformResourceIdentifier: 6 } as const;

/**
 * The DER of a GeneralName. A name of a form RFC 5280 §4.2.1.6 does not allow (see
 * {@link nameSyntaxProblem}) is a TypeError; a name constraint's subtree `base` (a URI base is
 * a host, §4.2.1.10) is only held to having no control character.
 */
export function encodeGeneralName(gn: GeneralNameInput, base = false): Uint8Array {
  switch (gn?.type) {
    case 'otherName': {
      const inner = typeof gn.value === 'string' ? encodeString(Tag.UTF8_STRING, gn.value) : gn.value;
      if (!(inner instanceof Uint8Array)) throw new TypeError('otherName value must be DER bytes or a string');
      readSingle(inner, 'otherName value');
      return encodeTlv(contextTag(0, true), encodeOid(gn.typeId), encodeTlv(contextTag(0, true), inner));
    }
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier': {
      const problem = typeof gn.value === 'string' ? nameSyntaxProblem(gn.type, gn.value, base) : undefined;
      if (problem !== undefined) throw new TypeError(`${gn.type} ${problem}`);
      return encodeString(contextTag(IA5_NAME_TAGS[gn.type], false), gn.value);
    }
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
  return encodeSequence(...names.map((n) => encodeGeneralName(n)));
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
      const full = encodeTlv(contextTag(0, true), ...names.map((n) => encodeGeneralName(n)));
      return encodeSequence(encodeTlv(contextTag(0, true), full));
    }),
  );
}

/** certificatePolicies value, one PolicyInformation per OID, without qualifiers. */
export function encodeCertificatePolicies(oids: readonly string[]): Uint8Array {
  if (!Array.isArray(oids) || oids.length === 0) throw new TypeError('certificatePolicies needs at least one OID');
  return encodeSequence(...oids.map((o) => encodeSequence(encodeOid(o))));
}
