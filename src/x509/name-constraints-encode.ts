/**
 * Writing a nameConstraints extension (RFC 5280 §4.2.1.10), apart from checking one
 * (`name-constraints.ts`), which verification loads only for a path that has one.
 */
import { contextTag, encodeSequence, encodeTlv } from './der.js';
import { encodeGeneralName, type GeneralNameInput } from './extensions.js';

/** Subtrees to build: GeneralNames; an iPAddress base is the address followed by its mask (8 or 32 octets). */
export interface NameConstraintsInput {
  readonly permitted?: readonly GeneralNameInput[];
  readonly excluded?: readonly GeneralNameInput[];
}

function encodeBase(gn: GeneralNameInput): Uint8Array {
  if (gn?.type !== 'iPAddress') return encodeGeneralName(gn, true);
  if (!(gn.value instanceof Uint8Array) || (gn.value.length !== 8 && gn.value.length !== 32)) throw new TypeError('an iPAddress subtree base must be 8 or 32 bytes (address and mask)');
  return encodeTlv(contextTag(7, false), gn.value);
}

/**
 * The DER value of a nameConstraints extension, for `buildCertificate({ extensions: [{ oid: ExtensionOid.nameConstraints, critical: true, value }] })`.
 * @throws TypeError when both lists are empty or a name cannot be encoded.
 */
export function encodeNameConstraints(input: NameConstraintsInput): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [n, list] of [
    [0, input?.permitted],
    [1, input?.excluded],
  ] as const) {
    if (list === undefined || list.length === 0) continue;
    parts.push(encodeTlv(contextTag(n, true), ...list.map((gn) => encodeSequence(encodeBase(gn)))));
  }
  if (parts.length === 0) throw new TypeError('nameConstraints needs permitted or excluded subtrees');
  return encodeSequence(...parts);
}
