/**
 * X.509 name constraints, RFC 5280 §4.2.1.10 (the extension), §6.1.3 (b)(c) (checking each
 * certificate's names) and §6.1.4 (g) (accumulating the constraints of each CA in the path).
 *
 * ```asn1
 * NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] GeneralSubtrees OPTIONAL }
 * GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
 * GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] BaseDistance DEFAULT 0, maximum [1] BaseDistance OPTIONAL }
 * ```
 *
 * Name forms processed: directoryName, dNSName, rfc822Name (also the subject's emailAddress
 * attributes), uniformResourceIdentifier (its host) and iPAddress. A name of another form met
 * under a constraint of that form cannot be checked, and fails closed. Instead of computing
 * the intersection of permitted subtrees (§6.1.4 (g)(i)), each CA's constraints are kept and a
 * name must satisfy every one of them, which decides the same; the work is bounded by
 * {@link MAX_NAME_CONSTRAINT_SUBTREES} subtrees per certificate.
 */
import { equalBytes } from '../internal/bytes.js';
import type { Certificate } from './certificate.js';
import { contextTag, DerReader, decodeSmallInteger, readSingleTagged, Tag } from './der.js';
import { type GeneralName, parseGeneralName } from './extensions.js';
import { ignoreFindings } from './findings.js';
import { nameKey, type X509Name } from './name.js';
import { AttributeOid, ExtensionOid } from './oids.js';

/** Most subtrees (permitted and excluded together) read from one certificate's nameConstraints. */
export const MAX_NAME_CONSTRAINT_SUBTREES = 64;
/** Most names of one certificate checked (subject, its email addresses and subjectAltName entries). */
export const MAX_CONSTRAINED_NAMES = 256;

/** The name forms whose constraints shomei processes. */
const SUPPORTED = new Set<GeneralName['type']>(['directoryName', 'dNSName', 'rfc822Name', 'uniformResourceIdentifier', 'iPAddress']);

/** A decoded nameConstraints extension. */
export interface NameConstraints {
  readonly critical: boolean;
  /** Permitted subtree bases; null when the field is absent. */
  readonly permitted: readonly GeneralName[] | null;
  /** Excluded subtree bases; null when the field is absent. */
  readonly excluded: readonly GeneralName[] | null;
}

function subtrees(r: DerReader, n: number, what: string, count: { n: number }): GeneralName[] | null {
  const t = r.optional(contextTag(n, true), what);
  if (t === undefined) return null;
  const list = DerReader.inside(t, what);
  const out: GeneralName[] = [];
  while (!list.atEnd()) {
    if (++count.n > MAX_NAME_CONSTRAINT_SUBTREES) throw new RangeError(`nameConstraints holds more than ${MAX_NAME_CONSTRAINT_SUBTREES} subtrees`);
    const st = DerReader.inside(list.expect(Tag.SEQUENCE, 'GeneralSubtree'), 'GeneralSubtree');
    const base = parseGeneralName(st.next('base'), ignoreFindings);
    const min = st.optional(contextTag(0, false), 'minimum');
    const max = st.optional(contextTag(1, false), 'maximum');
    st.finish('GeneralSubtree');
    // RFC 5280: minimum MUST be zero and maximum MUST be absent; anything else is not processed.
    if ((min !== undefined && decodeSmallInteger({ ...min, tag: Tag.INTEGER }, 'minimum') !== 0) || max !== undefined) {
      throw new RangeError('a GeneralSubtree with a minimum other than 0 or a maximum is not supported (RFC 5280 §4.2.1.10)');
    }
    if (base.type === 'iPAddress' && base.value.length !== 8 && base.value.length !== 32) throw new RangeError('an iPAddress constraint must be 8 or 32 octets (address and mask)');
    out.push(base);
  }
  if (out.length === 0) throw new RangeError(`${what} is empty`);
  return out;
}

/**
 * Decode a certificate's nameConstraints, or null when it has none.
 * @throws RangeError (message says why) when the extension does not decode or uses what
 *   RFC 5280 forbids (minimum ≠ 0, maximum, an empty subtree list); callers fail closed.
 */
export function decodeNameConstraints(cert: Certificate): NameConstraints | null {
  const ext = cert.extensions.find((e) => e.oid === ExtensionOid.nameConstraints);
  if (ext === undefined) return null;
  try {
    const r = DerReader.inside(readSingleTagged(ext.value, Tag.SEQUENCE, 'NameConstraints'), 'NameConstraints');
    const count = { n: 0 };
    const permitted = subtrees(r, 0, 'permittedSubtrees', count);
    const excluded = subtrees(r, 1, 'excludedSubtrees', count);
    r.finish('NameConstraints');
    return Object.freeze({ critical: ext.critical, permitted: permitted && Object.freeze(permitted), excluded: excluded && Object.freeze(excluded) });
  } catch (e) {
    throw new RangeError(`nameConstraints does not decode: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// ---------------------------------------------------------------------------------------
// Matching, one name form at a time. Each returns true when `name` is within `base`'s subtree.

/** Per-RDN comparison keys of parsed names, computed once per name object. */
const RDN_KEYS = new WeakMap<X509Name, readonly string[]>();

function rdnKeys(name: X509Name): readonly string[] {
  let keys = RDN_KEYS.get(name);
  if (keys === undefined) {
    keys = (JSON.parse(nameKey(name)) as unknown[]).map((rdn) => JSON.stringify(rdn));
    RDN_KEYS.set(name, keys);
  }
  return keys;
}

/** directoryName: the base's RDNs begin the name (RFC 5280 §7.1 comparison per RDN). */
function directoryWithin(name: X509Name, base: X509Name): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  if (equalBytes(name.der, base.der)) return true;
  const a = rdnKeys(name);
  const b = rdnKeys(base);
  return b.every((k, i) => a[i] === k);
}

/** A host under a DNS constraint: the base itself or any name made by adding labels on the left; a leading "." means subdomains only. Both folded (`fold`). */
function hostWithin(h: string, b: string): boolean {
  if (b === '') return true;
  if (b.startsWith('.')) return h.endsWith(b);
  // h ends with "." + b, without building that string.
  return h === b || (h.length > b.length && h.charCodeAt(h.length - b.length - 1) === 0x2e && h.endsWith(b));
}

/** The host of a mailbox (what follows its last "@"), lowercased. */
function mailHost(mailbox: string): string {
  return mailbox.slice(mailbox.lastIndexOf('@') + 1).toLowerCase();
}

/** rfc822Name: a mailbox (exact, host case-insensitive), a host (every mailbox there), or ".domain" (mailboxes on its subdomains). */
function emailWithin(email: string, host: string, base: string, folded: string): boolean {
  const at = email.lastIndexOf('@');
  if (at < 0) return false;
  const bat = base.lastIndexOf('@');
  if (bat >= 0) return email.slice(0, at) === base.slice(0, bat) && host === folded;
  if (base.startsWith('.')) return host.endsWith(folded);
  return host === folded;
}

/** The host of a URI, when it has an authority with a domain name (not an IP address); else null. */
function uriHost(uri: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^:/?#]*)/i.exec(uri);
  const host = m?.[1];
  if (host === undefined || host === '' || host.startsWith('[') || /^[0-9.]+$/.test(host)) return null;
  return host;
}

/** uniformResourceIdentifier: the base applies to the URI's host; a leading "." means subdomains only (RFC 5280 §4.2.1.10). Both lowercased. */
function uriWithin(h: string, b: string): boolean {
  if (b.startsWith('.')) return h.endsWith(b);
  return h === b;
}

function ipWithin(ip: Uint8Array, base: Uint8Array): boolean | null {
  if (ip.length !== 4 && ip.length !== 16) return null;
  if (base.length !== ip.length * 2) return false;
  for (let i = 0; i < ip.length; i++) {
    const mask = base[ip.length + i]!;
    if ((ip[i]! & mask) !== (base[i]! & mask)) return false;
  }
  return true;
}

/**
 * A name or base with the case-folded text its comparisons use, made once: a hostile chain can
 * hold hundreds of long names and bases, compared pairwise on each candidate path. A dNSName
 * lowercased without a trailing dot; a mailbox name its host lowercased, a mailbox base its
 * host lowercased and a host or ".domain" base lowercased; a URI name its host lowercased
 * (null when it has none), a URI base lowercased.
 */
interface Folded {
  readonly gn: GeneralName;
  readonly folded: string | null;
}

function fold(gn: GeneralName, isBase: boolean): Folded {
  switch (gn.type) {
    case 'dNSName':
      return { gn, folded: gn.value.toLowerCase().replace(/\.$/, '') };
    case 'rfc822Name':
      return { gn, folded: isBase && !gn.value.includes('@') ? gn.value.toLowerCase() : mailHost(gn.value) };
    case 'uniformResourceIdentifier':
      return { gn, folded: isBase ? gn.value.toLowerCase() : (uriHost(gn.value)?.toLowerCase() ?? null) };
    default:
      return { gn, folded: null };
  }
}

/** True when `name` is in `base`'s subtree; null when the pair cannot be decided (the caller fails closed). */
function within(name: Folded, base: Folded): boolean | null {
  const gn = name.gn;
  switch (gn.type) {
    case 'directoryName':
      return directoryWithin(gn.value, (base.gn as typeof gn).value);
    case 'dNSName':
      return hostWithin(name.folded!, base.folded!);
    case 'rfc822Name':
      return emailWithin(gn.value, name.folded!, (base.gn as typeof gn).value, base.folded!);
    case 'uniformResourceIdentifier':
      return name.folded === null ? null : uriWithin(name.folded, base.folded!);
    case 'iPAddress':
      return ipWithin(gn.value, (base.gn as typeof gn).value);
    default:
      return null;
  }
}

/** The names of `cert` that constraints apply to: a non-empty subject, its emailAddress attributes, and subjectAltName. */
function namesOf(cert: Certificate): GeneralName[] {
  const names: GeneralName[] = [];
  if (cert.subject.rdns.length > 0) names.push({ type: 'directoryName', value: cert.subject });
  for (const rdn of cert.subject.rdns) for (const a of rdn) if (a.oid === AttributeOid.E) names.push({ type: 'rfc822Name', value: a.value });
  for (const gn of cert.subjectAltName?.names ?? []) names.push(gn);
  return names;
}

function show(gn: GeneralName): string {
  if (gn.type === 'directoryName') return `directoryName ${gn.value.text}`;
  if (gn.value instanceof Uint8Array) return `${gn.type} ${[...gn.value].join('.')}`;
  return `${gn.type} ${String(gn.value)}`;
}

/** One constraining CA: its name (for reports) and its subtree bases, folded. */
interface Constraint {
  readonly from: string;
  readonly permitted: readonly Folded[];
  readonly excluded: readonly Folded[];
}

/**
 * The name constraints check of a path, leaf first and anchor last (RFC 5280 §6.1.3 (b)(c),
 * §6.1.4 (g)): the failures, empty when every name is within the constraints of every CA
 * above it. The anchor's own constraints apply only when `includeAnchor` is set.
 * `describe` names a certificate in messages.
 */
export function nameConstraintFailures(path: readonly Certificate[], includeAnchor: boolean, describe: (c: Certificate) => string): string[] {
  const failures: string[] = [];
  const active: Constraint[] = [];
  const n = path.length - 1;
  // Walk from the anchor down: each certificate is checked against the constraints above it,
  // then (when it is a CA in the path) adds its own for the certificates below.
  for (let i = n; i >= 0; i--) {
    const cert = path[i]!;
    const isAnchor = i === n;
    // §6.1.3 (b): a self-issued certificate that is not the leaf is not checked.
    if (!isAnchor && (i === 0 || !cert.selfIssued) && active.length > 0) {
      const names = namesOf(cert);
      if (names.length > MAX_CONSTRAINED_NAMES) {
        failures.push(`${describe(cert)} has more than ${MAX_CONSTRAINED_NAMES} names to check`);
      } else {
        for (const name of names) {
          const problem = checkName(fold(name, false), active);
          if (problem !== null) failures.push(`${describe(cert)}: ${problem}`);
        }
      }
    }
    if (i > 0 && (!isAnchor || includeAnchor)) {
      try {
        const nc = decodeNameConstraints(cert);
        if (nc !== null) {
          active.push({ from: describe(cert), permitted: (nc.permitted ?? []).map((b) => fold(b, true)), excluded: (nc.excluded ?? []).map((b) => fold(b, true)) });
        }
      } catch (e) {
        failures.push(`${describe(cert)}: ${(e as Error).message}`);
      }
    }
  }
  return failures;
}

function checkName(name: Folded, active: readonly Constraint[]): string | null {
  const { gn } = name;
  const type = gn.type;
  // A wildcard name ("*.example.com") stands for every name below it, some of which may be excluded.
  const wildcard = gn.type === 'dNSName' && gn.value.startsWith('*.');
  for (const { from, permitted: allPermitted, excluded: allExcluded } of active) {
    const permitted = allPermitted.filter((b) => b.gn.type === type);
    const excluded = allExcluded.filter((b) => b.gn.type === type);
    if (permitted.length === 0 && excluded.length === 0) continue;
    if (!SUPPORTED.has(type)) return `${type} names cannot be checked against the ${type} constraints of ${from}`;
    for (const base of excluded) {
      const r = wildcard ? within(name, base) || hostWithin(base.folded!, name.folded!.slice(2)) : within(name, base);
      if (r === null) return `${show(gn)} cannot be checked against the constraints of ${from}`;
      if (r) return `${show(gn)} is in an excluded subtree (${show(base.gn)}) of ${from}`;
    }
    if (permitted.length > 0) {
      let inside = false;
      for (const base of permitted) {
        const r = within(name, base);
        if (r === null) return `${show(gn)} cannot be checked against the constraints of ${from}`;
        if (r) {
          inside = true;
          break;
        }
      }
      if (!inside) return `${show(gn)} is outside the permitted subtrees of ${from}`;
    }
  }
  return null;
}
