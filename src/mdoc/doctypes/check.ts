/**
 * Profile checks: does a data element value have the CDDL type its doctype profile gives
 * it, and does a document's element set fit the profile?
 *
 * These are the "profile" checks of a verification report (ISO/IEC 18013-5:2021 §7.2
 * data model; 2e §13.4), separate from the cryptographic checks of §9.3: a value of the
 * wrong type does not make a correctly signed document forged, so callers decide what a
 * failed profile check means. The ids form a registry (see {@link ProfileCheckId}).
 *
 * Decisions:
 * - An element or namespace the profile does not know is reported as
 *   `PROFILE_UNKNOWN_ELEMENT` with status `'passed'` and a detail saying so: doctypes
 *   are open (domestic namespaces, RFU elements), so this is information, not failure.
 *   `strict: true` turns it (and an unknown docType) into `'failed'`.
 * - Missing mandatory elements are reported only with `requireMandatory: true`: a
 *   selective-disclosure response legitimately omits them; an issuer's data does not.
 */

import {
  type CborMap,
  CborFloat,
  type CborValue,
  EncodedCbor,
  FullDate,
  RawCbor,
  Simple,
  Tag,
  TDate,
} from '../../cbor/index.js';
import type { DoctypeProfile, ElementSpec, ElementType, MapType } from './types.js';

/** Ids of the profile checks, a const registry with a same-named type. */
export const ProfileCheckId = {
  ELEMENT_TYPE: 'PROFILE_ELEMENT_TYPE',
  UNKNOWN_ELEMENT: 'PROFILE_UNKNOWN_ELEMENT',
  MANDATORY_MISSING: 'PROFILE_MANDATORY_MISSING',
  UNKNOWN_DOCTYPE: 'PROFILE_UNKNOWN_DOCTYPE',
} as const;
/** One of the {@link ProfileCheckId} values. */
export type ProfileCheckId = (typeof ProfileCheckId)[keyof typeof ProfileCheckId];

/** The outcome of one profile check. */
export interface ProfileCheck {
  readonly id: ProfileCheckId;
  /** The namespace concerned; absent for `PROFILE_UNKNOWN_DOCTYPE`. */
  readonly namespace?: string;
  /** The element concerned (`a | b` for a mandatory group); absent for doctype-level checks. */
  readonly element?: string;
  /** `'passed'` also for informational results (unknown element or docType when not strict). */
  readonly status: 'passed' | 'failed';
  readonly detail: string;
}

/** Options for {@link checkDocumentProfile}. */
export interface CheckDocumentProfileOptions {
  /**
   * Report absent mandatory elements as failed `PROFILE_MANDATORY_MISSING` checks. For
   * issuer data (before issuance, or a full IssuerSigned); leave off for a
   * DeviceResponse, where the holder discloses only what was requested. Default false.
   */
  readonly requireMandatory?: boolean;
  /** Fail unknown elements, unknown namespaces and an unknown docType. Default false. */
  readonly strict?: boolean;
}

/** The result of {@link checkElement}. */
export type ElementCheckResult = { readonly ok: true } | { readonly ok: false; readonly detail: string };

const OK: ElementCheckResult = Object.freeze({ ok: true });

/**
 * Check one value against an element spec (or anything with a `type`).
 *
 * @example
 * ```ts
 * checkElement({ type: 'full-date' }, new FullDate('1990-01-31')) // { ok: true }
 * checkElement({ type: 'full-date' }, '1990-01-31') // { ok: false, detail: 'expected full-date, got tstr' }
 * ```
 */
export function checkElement(spec: Pick<ElementSpec, 'type'>, value: CborValue): ElementCheckResult {
  const problem = checkValue(spec.type, value, '');
  return problem === undefined ? OK : { ok: false, detail: problem };
}

/** The namespace of `profile.namespaces` that `namespace` is, or is an alias of. */
export function canonicalNamespace(profile: DoctypeProfile, namespace: string): string {
  const aliases = profile.namespaceAliases;
  return aliases !== undefined && Object.hasOwn(aliases, namespace) ? aliases[namespace]! : namespace;
}

/**
 * The spec of `element` in `namespace` (or a namespace alias): an exact identifier
 * first, then the namespace's patterns.
 */
export function findElementSpec(profile: DoctypeProfile, namespace: string, element: string): ElementSpec | undefined {
  namespace = canonicalNamespace(profile, namespace);
  const specs = Object.hasOwn(profile.namespaces, namespace) ? profile.namespaces[namespace] : undefined;
  if (specs !== undefined && Object.hasOwn(specs, element)) return specs[element];
  const patterns = profile.patterns !== undefined && Object.hasOwn(profile.patterns, namespace) ? profile.patterns[namespace] : undefined;
  for (const p of patterns ?? []) {
    if (p.pattern.test(element)) return p.spec;
  }
  return undefined;
}

/** True when `profile` defines `namespace` (with elements or patterns). */
function knowsNamespace(profile: DoctypeProfile, namespace: string): boolean {
  namespace = canonicalNamespace(profile, namespace);
  return Object.hasOwn(profile.namespaces, namespace) || (profile.patterns !== undefined && Object.hasOwn(profile.patterns, namespace));
}

/**
 * Check a document's data elements against the profile the registry holds for `docType`
 * (or one of its aliases). Returns one check per element, plus mandatory and doctype
 * checks as the options ask; never throws for bad data.
 *
 * @param nameSpaces NameSpace → element identifier → value, e.g. from IssuerSigned items.
 */
export function checkDocumentProfile(
  registry: { get(docType: string): DoctypeProfile | undefined },
  docType: string,
  nameSpaces: ReadonlyMap<string, ReadonlyMap<string, CborValue>>,
  options: CheckDocumentProfileOptions = {},
): ProfileCheck[] {
  const strict = options.strict === true;
  const profile = registry.get(docType);
  if (profile === undefined) {
    return [
      {
        id: ProfileCheckId.UNKNOWN_DOCTYPE,
        status: strict ? 'failed' : 'passed',
        detail: `no profile for docType ${JSON.stringify(docType)}; elements not checked`,
      },
    ];
  }
  const checks: ProfileCheck[] = [];
  const unknownStatus = strict ? 'failed' : 'passed';
  for (const [namespace, elements] of nameSpaces) {
    const nsKnown = knowsNamespace(profile, namespace);
    for (const [element, value] of elements) {
      const spec = nsKnown ? findElementSpec(profile, namespace, element) : undefined;
      if (spec === undefined) {
        checks.push({
          id: ProfileCheckId.UNKNOWN_ELEMENT,
          namespace,
          element,
          status: unknownStatus,
          detail: nsKnown
            ? `${element} is not defined in ${namespace} by the ${profile.docType} profile`
            : `namespace ${namespace} is not defined by the ${profile.docType} profile`,
        });
        continue;
      }
      const problem = checkValue(spec.type, value, '');
      checks.push(
        problem === undefined
          ? { id: ProfileCheckId.ELEMENT_TYPE, namespace, element, status: 'passed', detail: describeElementType(spec.type) }
          : { id: ProfileCheckId.ELEMENT_TYPE, namespace, element, status: 'failed', detail: problem },
      );
    }
  }
  if (options.requireMandatory === true) checks.push(...mandatoryChecks(profile, nameSpaces));
  return checks;
}

function mandatoryChecks(
  profile: DoctypeProfile,
  nameSpaces: ReadonlyMap<string, ReadonlyMap<string, CborValue>>,
): ProfileCheck[] {
  // Which elements each canonical namespace has, counting its aliases.
  const present = new Map<string, Set<string>>();
  for (const [ns, elements] of nameSpaces) {
    const canonical = canonicalNamespace(profile, ns);
    let set = present.get(canonical);
    if (set === undefined) present.set(canonical, (set = new Set()));
    for (const element of elements.keys()) set.add(element);
  }
  const skip = (namespace: string) => profile.optionalNamespaces?.includes(namespace) === true && !present.has(namespace);
  const checks: ProfileCheck[] = [];
  for (const [namespace, specs] of Object.entries(profile.namespaces)) {
    if (skip(namespace)) continue;
    for (const [element, spec] of Object.entries(specs)) {
      if (spec.mandatory !== true) continue;
      const ok = present.get(namespace)?.has(element) === true;
      checks.push({
        id: ProfileCheckId.MANDATORY_MISSING,
        namespace,
        element,
        status: ok ? 'passed' : 'failed',
        detail: ok ? 'present' : `mandatory element ${element} is missing from ${namespace}`,
      });
    }
  }
  for (const group of profile.mandatoryGroups ?? []) {
    const namespace = canonicalNamespace(profile, group.namespace);
    if (skip(namespace)) continue;
    const elements = present.get(namespace);
    const found = group.anyOf.find((e) => elements?.has(e) === true);
    checks.push({
      id: ProfileCheckId.MANDATORY_MISSING,
      namespace: group.namespace,
      element: group.anyOf.join(' | '),
      status: found === undefined ? 'failed' : 'passed',
      detail:
        found === undefined
          ? `mandatory ${group.description} is missing from ${group.namespace} (any of ${group.anyOf.join(', ')})`
          : `present as ${found}`,
    });
  }
  return checks;
}

/** A short CDDL-like description of a type, for details and documentation. */
export function describeElementType(type: ElementType): string {
  if (typeof type === 'string') return type;
  switch (type.kind) {
    case 'tstr': {
      const parts: string[] = [];
      if (type.latin1 === true) parts.push('latin1');
      if (type.maxLength !== undefined) parts.push(`≤${type.maxLength} chars`);
      if (type.enum !== undefined) parts.push(`one of ${type.enum.join('/')}`);
      else if (type.pattern !== undefined) parts.push(`matching ${type.pattern.source}`);
      return parts.length === 0 ? 'tstr' : `tstr (${parts.join(', ')})`;
    }
    case 'uint':
    case 'int': {
      if (type.enum !== undefined) return `${type.kind} (one of ${type.enum.join('/')})`;
      if (type.min !== undefined || type.max !== undefined) return `${type.kind} (${type.min ?? ''}..${type.max ?? ''})`;
      return type.kind;
    }
    case 'array':
      return `[${type.minItems !== undefined && type.minItems > 0 ? '+' : '*'} ${describeElementType(type.of)}]`;
    case 'map': {
      const fields = Object.entries(type.fields).map(
        ([k, f]) => `${f.mandatory === true ? '' : '? '}${k}: ${describeElementType(f.type)}`,
      );
      if (type.extra === true) fields.push('* tstr => any');
      return `{ ${fields.join(', ')} }`;
    }
    case 'oneOf':
      return type.types.map(describeElementType).join(' / ');
  }
}

/** The CBOR type of a value in a word, for details. */
export function describeValue(value: CborValue): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return 'tstr';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? (value < 0 ? 'nint' : 'uint') : 'float';
    case 'bigint':
      return value < 0n ? 'nint' : 'uint';
  }
  if (value instanceof Uint8Array) return 'bstr';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  if (value instanceof FullDate) return 'full-date';
  if (value instanceof TDate) return 'tdate';
  if (value instanceof Tag) return `tag ${String(value.tag)}`;
  if (value instanceof EncodedCbor) return 'tag 24 (encoded CBOR)';
  if (value instanceof CborFloat) return 'float';
  if (value instanceof Simple) return `simple(${value.value})`;
  if (value instanceof RawCbor) return 'raw CBOR';
  return 'unknown value';
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff))) return false;
  }
  return true;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function at(path: string): string {
  return path === '' ? '' : `${path}: `;
}

function mismatch(type: ElementType, value: CborValue, path: string): string {
  return `${at(path)}expected ${describeElementType(type)}, got ${describeValue(value)}`;
}

function isInteger(value: CborValue): value is number | bigint {
  return (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint';
}

/** undefined when `value` fits `type`, else what is wrong (prefixed with the sub-path). */
function checkValue(type: ElementType, value: CborValue, path: string): string | undefined {
  if (typeof type === 'string') {
    switch (type) {
      case 'tstr':
        return typeof value === 'string' ? undefined : mismatch(type, value, path);
      case 'bool':
        return typeof value === 'boolean' ? undefined : mismatch(type, value, path);
      case 'bstr':
        return value instanceof Uint8Array ? undefined : mismatch(type, value, path);
      case 'uint':
        return isInteger(value) && value >= 0 ? undefined : mismatch(type, value, path);
      case 'int':
        return isInteger(value) ? undefined : mismatch(type, value, path);
      case 'number':
        return typeof value === 'number' || typeof value === 'bigint' || value instanceof CborFloat || (value instanceof Tag && (value.tag === 2 || value.tag === 3))
          ? undefined
          : mismatch(type, value, path);
      case 'full-date':
        return value instanceof FullDate ? undefined : mismatch(type, value, path);
      case 'tdate':
        return value instanceof TDate ? undefined : mismatch(type, value, path);
      case 'tdate-or-full-date':
        return value instanceof TDate || value instanceof FullDate ? undefined : mismatch(type, value, path);
    }
  }
  switch (type.kind) {
    case 'tstr': {
      if (typeof value !== 'string') return mismatch(type, value, path);
      if (type.latin1 === true && !isLatin1(value)) return `${at(path)}has characters outside Latin-1`;
      if (type.maxLength !== undefined && codePoints(value) > type.maxLength) {
        return `${at(path)}longer than ${type.maxLength} characters`;
      }
      if (type.enum !== undefined && !type.enum.includes(value)) {
        return `${at(path)}${JSON.stringify(value)} is not one of ${type.enum.join(', ')}`;
      }
      if (type.pattern !== undefined && !type.pattern.test(value)) {
        return `${at(path)}${JSON.stringify(value)} does not match ${type.pattern.source}`;
      }
      return undefined;
    }
    case 'uint':
    case 'int': {
      if (!isInteger(value) || (type.kind === 'uint' && value < 0)) return mismatch(type, value, path);
      if (type.enum !== undefined && !type.enum.some((e) => BigInt(e) === BigInt(value))) {
        return `${at(path)}${String(value)} is not one of ${type.enum.join(', ')}`;
      }
      if (type.min !== undefined && value < type.min) return `${at(path)}${String(value)} is below ${type.min}`;
      if (type.max !== undefined && value > type.max) return `${at(path)}${String(value)} is above ${type.max}`;
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(value)) return mismatch(type, value, path);
      const items = value as readonly CborValue[];
      if (type.minItems !== undefined && items.length < type.minItems) {
        return `${at(path)}needs at least ${type.minItems} item${type.minItems === 1 ? '' : 's'}`;
      }
      for (let i = 0; i < items.length; i++) {
        const problem = checkValue(type.of, items[i], `${path}[${i}]`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case 'map':
      return value instanceof Map ? checkMap(type, value, path) : mismatch(type, value, path);
    case 'oneOf': {
      const problems: string[] = [];
      for (const t of type.types) {
        const problem = checkValue(t, value, '');
        if (problem === undefined) return undefined;
        problems.push(problem);
      }
      return `${at(path)}fits none of ${type.types.map(describeElementType).join(' / ')} (${problems.join('; ')})`;
    }
  }
}

function checkMap(type: MapType, value: CborMap, path: string): string | undefined {
  const sub = (key: string) => (path === '' ? key : `${path}.${key}`);
  for (const key of value.keys()) {
    if (typeof key !== 'string') return `${at(path)}map key ${describeValue(key)} is not text`;
    if (!Object.hasOwn(type.fields, key) && type.extra !== true) return `${at(path)}unexpected field ${key}`;
  }
  for (const [name, field] of Object.entries(type.fields)) {
    if (!value.has(name)) {
      if (field.mandatory === true) return `${at(path)}missing mandatory field ${name}`;
      continue;
    }
    const problem = checkValue(field.type, value.get(name), sub(name));
    if (problem !== undefined) return problem;
  }
  if (type.anyOf !== undefined && !type.anyOf.some((k) => value.has(k))) {
    return `${at(path)}needs at least one of ${type.anyOf.join(', ')}`;
  }
  return undefined;
}
