/**
 * Distinguished names: RFC 5280 §4.1.2.4 (Name), RFC 4514 (string form), RFC 5280 §7.1
 * (comparison).
 *
 * ```asn1
 * Name ::= CHOICE { rdnSequence RDNSequence }
 * RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
 * RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 * AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue }
 * ```
 *
 * A parsed name keeps its exact DER (`der`) for byte-exact comparison, the attributes in
 * order, a map from short names to values, and the RFC 4514 string.
 *
 * Bounds (hostile names arrive in unauthenticated x5chain headers, before any signature is
 * checked): a name holds at most {@link MAX_NAME_ATTRIBUTES} attributes and an RDN at most
 * {@link MAX_RDN_ATTRIBUTES}, else parsing throws `ERR_X509_PARSE`. Each name is normalised
 * once (its RFC 5280 §7.1 comparison key is cached on the parsed object), so comparing two
 * names costs one byte comparison and one string comparison: linear in the names' size,
 * after an n·log n sort of each RDN when the key is first built.
 */
import { equalBytes, toHex } from '../internal/bytes.js';
import {
  DerReader,
  decodeOid,
  decodeString,
  encodeOid,
  encodeSequence,
  encodeSetOf,
  encodeString,
  isPrintable,
  isStringTag,
  parseError,
  readSingleTagged,
  Tag,
  type Tlv,
} from './der.js';
import { ATTRIBUTE_NAMES, AttributeOid } from './oids.js';

/** One AttributeTypeAndValue. */
export interface NameAttribute {
  /** The attribute type OID. */
  readonly oid: string;
  /** The RFC 4514 short name (`CN`, `C`, `O`…) or, for other types, the OID. */
  readonly type: string;
  /** The value as text; `#` and the hex of the value's DER when it is not a character string. */
  readonly value: string;
  /** The ASN.1 tag of the value (0x13 PrintableString, 0x0c UTF8String…). */
  readonly tag: number;
  /** The value's DER (tag, length, content) as received. */
  readonly valueDer: Uint8Array;
}

/** A parsed distinguished name. */
export interface X509Name {
  /** The Name's DER exactly as received: compare names with this. */
  readonly der: Uint8Array;
  /** The relative distinguished names in order, each a set of attributes. */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** Values by short name (or OID), in order: `name.attributes.OU` may hold several. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /** The RFC 4514 string (most significant RDN last), e.g. `CN=utopia ds,C=US`. */
  readonly text: string;
}

/** A name to build: DER, a parsed name, or attributes in order (`{ C: 'JP', O: ['a', 'b'], CN: 'x' }`). */
export type NameInput = Uint8Array | X509Name | Readonly<Record<string, string | readonly string[]>>;

function escapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = value.charCodeAt(i);
    if (
      ch === '"' ||
      ch === '+' ||
      ch === ',' ||
      ch === ';' ||
      ch === '<' ||
      ch === '>' ||
      ch === '\\' ||
      (i === 0 && (ch === '#' || ch === ' ')) ||
      (i === value.length - 1 && ch === ' ')
    ) {
      out += `\\${ch}`;
    } else if (code < 0x20 || code === 0x7f) {
      out += `\\${code.toString(16).padStart(2, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Most AttributeTypeAndValues in one Name (real names hold fewer than 20). */
export const MAX_NAME_ATTRIBUTES = 64;
/** Most AttributeTypeAndValues in one RelativeDistinguishedName (real RDNs hold 1 to 3). */
export const MAX_RDN_ATTRIBUTES = 16;

function parseAttribute(t: Tlv): NameAttribute {
  const r = DerReader.inside(t, 'AttributeTypeAndValue');
  const oid = decodeOid(r.expect(Tag.OID, 'attribute type'), 'attribute type');
  const v = r.next('attribute value');
  r.finish('AttributeTypeAndValue');
  const string = isStringTag(v.tag);
  const value = string ? decodeString(v, `value of ${oid}`) : `#${toHex(v.der)}`;
  return { oid, type: ATTRIBUTE_NAMES.get(oid) ?? oid, value, tag: v.tag, valueDer: v.der };
}

/** Parse a Name from its TLV (internal). Throws `ERR_X509_PARSE`. */
export function parseNameTlv(t: Tlv): X509Name {
  if (t.tag !== Tag.SEQUENCE) parseError('Name: expected a SEQUENCE', t.offset);
  const r = DerReader.inside(t, 'Name');
  const rdns: NameAttribute[][] = [];
  const attributes: Record<string, string[]> = Object.create(null);
  let count = 0;
  while (!r.atEnd()) {
    const set = r.expect(Tag.SET, 'RelativeDistinguishedName');
    const sr = DerReader.inside(set, 'RelativeDistinguishedName');
    const rdn: NameAttribute[] = [];
    while (!sr.atEnd()) {
      if (rdn.length >= MAX_RDN_ATTRIBUTES) parseError(`RelativeDistinguishedName holds more than ${MAX_RDN_ATTRIBUTES} attributes`, set.offset);
      if (++count > MAX_NAME_ATTRIBUTES) parseError(`Name holds more than ${MAX_NAME_ATTRIBUTES} attributes`, t.offset);
      rdn.push(Object.freeze(parseAttribute(sr.expect(Tag.SEQUENCE, 'AttributeTypeAndValue'))));
    }
    if (rdn.length === 0) parseError('RelativeDistinguishedName is empty', set.offset);
    for (const a of rdn) (attributes[a.type] ??= []).push(a.value);
    rdns.push(rdn);
  }
  for (const k of Object.keys(attributes)) Object.freeze(attributes[k]);
  const text = [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.type}=${a.value.startsWith('#') && !isStringTag(a.tag) ? a.value : escapeValue(a.value)}`).join('+'))
    .join(',');
  return Object.freeze({ der: t.der, rdns: Object.freeze(rdns.map((x) => Object.freeze(x))), attributes: Object.freeze(attributes), text });
}

/**
 * Parse a DER-encoded Name.
 * @throws X509Error `ERR_X509_PARSE` when the bytes are not a Name.
 */
export function parseName(der: Uint8Array): X509Name {
  return parseNameTlv(readSingleTagged(der, Tag.SEQUENCE, 'Name'));
}

function normalizeValue(a: NameAttribute): string | null {
  if (!isStringTag(a.tag)) return null;
  // RFC 5280 §7.1 / RFC 4518: case folding and insignificant-space handling (approximation:
  // NFKC, lower case, leading and trailing space removed, inner runs of space collapsed).
  return a.value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** Comparison keys of parsed (frozen) names, computed once per name object. */
const KEYS = new WeakMap<X509Name, string>();

function computeKey(name: X509Name): string {
  // One entry per attribute: character strings by type and normalised text, other values by
  // type and DER; each RDN sorted, so that RDNs compare as sets. JSON keeps it injective.
  return JSON.stringify(
    name.rdns.map((rdn) =>
      rdn
        .map((a) => {
          const n = normalizeValue(a);
          return JSON.stringify(n === null ? [a.oid, 'b', toHex(a.valueDer)] : [a.oid, 's', n]);
        })
        .sort(),
    ),
  );
}

/**
 * The RFC 5280 §7.1 comparison key of a name (internal): two names match exactly when their
 * keys are equal. Cached for frozen (parsed) names, so each is normalised once.
 */
export function nameKey(name: X509Name): string {
  let key = KEYS.get(name);
  if (key === undefined) {
    key = computeKey(name);
    if (Object.isFrozen(name) && Object.isFrozen(name.rdns)) KEYS.set(name, key);
  }
  return key;
}

/**
 * True when two names match: byte-identical DER, or equal under the RFC 5280 §7.1 rules
 * (same RDN structure and types; character strings compared case-insensitively with
 * insignificant spaces removed, other values byte for byte). Linear in the names' size:
 * each parsed name is normalised once and its comparison key cached.
 */
export function namesMatch(a: X509Name, b: X509Name): boolean {
  if (equalBytes(a.der, b.der)) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  return nameKey(a) === nameKey(b);
}

const IA5_ATTRIBUTES: ReadonlySet<string> = new Set([AttributeOid.E, AttributeOid.DC]);
const PRINTABLE_ATTRIBUTES: ReadonlySet<string> = new Set([AttributeOid.C, AttributeOid.SERIALNUMBER]);

function attributeOid(type: string): string {
  if (Object.hasOwn(AttributeOid, type)) return AttributeOid[type as keyof typeof AttributeOid];
  if (/^[0-2](\.\d+)+$/.test(type)) return type;
  throw new TypeError(`unknown attribute type ${type}: use a short name (${Object.keys(AttributeOid).join(', ')}) or an OID`);
}

function encodeAttribute(type: string, value: string): Uint8Array {
  if (typeof value !== 'string') throw new TypeError(`value of ${type} must be a string`);
  const oid = attributeOid(type);
  let tag: number;
  if (IA5_ATTRIBUTES.has(oid)) tag = Tag.IA5_STRING;
  else if (PRINTABLE_ATTRIBUTES.has(oid)) {
    if (!isPrintable(value)) throw new TypeError(`value of ${type} must be a PrintableString`);
    tag = Tag.PRINTABLE_STRING;
  } else tag = isPrintable(value) ? Tag.PRINTABLE_STRING : Tag.UTF8_STRING;
  return encodeSequence(encodeOid(oid), encodeString(tag, value));
}

/**
 * The DER of a name: DER passes through (checked), a parsed name gives its received DER,
 * and a record is written in its key order, one RDN per value. `C` and `SERIALNUMBER` are
 * PrintableStrings, `E` and `DC` IA5Strings, others PrintableString when they fit, else UTF8String.
 * @throws TypeError for an unknown attribute type or a value that cannot be encoded.
 */
export function encodeName(name: NameInput): Uint8Array {
  if (name instanceof Uint8Array) {
    parseName(name);
    return name;
  }
  if (typeof name !== 'object' || name === null) throw new TypeError('name must be DER bytes, a parsed name or a record of attributes');
  if ('der' in name && name.der instanceof Uint8Array && 'rdns' in name) return name.der;
  const rdns: Uint8Array[] = [];
  for (const [type, value] of Object.entries(name as Record<string, string | readonly string[]>)) {
    const values = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(values)) throw new TypeError(`value of ${type} must be a string or an array of strings`);
    for (const v of values) rdns.push(encodeSetOf(encodeAttribute(type, v)));
  }
  return encodeSequence(...rdns);
}
