/**
 * Defining profiles: shape validation and freezing, shared by the built-in profiles and
 * by users registering their own doctypes (see `registry.ts`).
 */

import type { DoctypeProfile, ElementSpec, ElementType } from './types.js';

const SCALARS = new Set(['tstr', 'uint', 'int', 'bool', 'bstr', 'full-date', 'tdate', 'tdate-or-full-date', 'number']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertRegExp(value: unknown, path: string): void {
  if (!(value instanceof RegExp)) throw new TypeError(`${path} must be a RegExp`);
  if (value.global || value.sticky) throw new TypeError(`${path} must not have the g or y flag (test() would keep state)`);
}

function assertType(type: unknown, path: string): asserts type is ElementType {
  if (typeof type === 'string') {
    if (!SCALARS.has(type)) throw new TypeError(`${path} is not a known element type: ${JSON.stringify(type)}`);
    return;
  }
  if (!isRecord(type)) throw new TypeError(`${path} must be a type name or a type object`);
  switch (type.kind) {
    case 'tstr':
      if (type.pattern !== undefined) assertRegExp(type.pattern, `${path}.pattern`);
      if (type.enum !== undefined && !(Array.isArray(type.enum) && type.enum.every((e) => typeof e === 'string'))) {
        throw new TypeError(`${path}.enum must be an array of strings`);
      }
      if (type.maxLength !== undefined && !Number.isInteger(type.maxLength)) throw new TypeError(`${path}.maxLength must be an integer`);
      return;
    case 'uint':
    case 'int':
      if (type.enum !== undefined && !(Array.isArray(type.enum) && type.enum.every((e) => Number.isInteger(e)))) {
        throw new TypeError(`${path}.enum must be an array of integers`);
      }
      for (const k of ['min', 'max'] as const) {
        if (type[k] !== undefined && typeof type[k] !== 'number') throw new TypeError(`${path}.${k} must be a number`);
      }
      return;
    case 'array':
      assertType(type.of, `${path}.of`);
      return;
    case 'map':
      if (!isRecord(type.fields)) throw new TypeError(`${path}.fields must be an object`);
      for (const [name, f] of Object.entries(type.fields)) {
        if (!isRecord(f)) throw new TypeError(`${path}.fields.${name} must be an object`);
        assertType(f.type, `${path}.fields.${name}.type`);
      }
      return;
    case 'oneOf':
      if (!Array.isArray(type.types) || type.types.length === 0) throw new TypeError(`${path}.types must be a non-empty array`);
      type.types.forEach((t, i) => {
        assertType(t, `${path}.types[${i}]`);
      });
      return;
    default:
      throw new TypeError(`${path}.kind is not a known element type kind: ${JSON.stringify(type.kind)}`);
  }
}

function assertSpec(spec: unknown, path: string): asserts spec is ElementSpec {
  if (!isRecord(spec)) throw new TypeError(`${path} must be an element spec object`);
  assertType(spec.type, `${path}.type`);
  if (typeof spec.description !== 'string') throw new TypeError(`${path}.description must be a string`);
}

/**
 * Check that `profile` has the shape of a {@link DoctypeProfile}.
 * Throws `TypeError` naming the offending path.
 */
export function assertDoctypeProfile(profile: unknown): asserts profile is DoctypeProfile {
  if (!isRecord(profile)) throw new TypeError('profile must be an object');
  if (typeof profile.docType !== 'string' || profile.docType === '') throw new TypeError('profile.docType must be a non-empty string');
  if (profile.aliases !== undefined && !(Array.isArray(profile.aliases) && profile.aliases.every((a) => typeof a === 'string' && a !== ''))) {
    throw new TypeError('profile.aliases must be an array of non-empty strings');
  }
  if (!isRecord(profile.namespaces)) throw new TypeError('profile.namespaces must be an object');
  for (const [ns, specs] of Object.entries(profile.namespaces)) {
    if (!isRecord(specs)) throw new TypeError(`profile.namespaces[${JSON.stringify(ns)}] must be an object`);
    for (const [name, spec] of Object.entries(specs)) assertSpec(spec, `profile.namespaces[${JSON.stringify(ns)}].${name}`);
  }
  if (profile.namespaceAliases !== undefined) {
    if (!isRecord(profile.namespaceAliases)) throw new TypeError('profile.namespaceAliases must be an object');
    for (const [alias, target] of Object.entries(profile.namespaceAliases)) {
      if (typeof target !== 'string' || !Object.hasOwn(profile.namespaces, target)) {
        throw new TypeError(`profile.namespaceAliases[${JSON.stringify(alias)}] must name a namespace of profile.namespaces`);
      }
    }
  }
  if (
    profile.optionalNamespaces !== undefined &&
    !(Array.isArray(profile.optionalNamespaces) && profile.optionalNamespaces.every((n) => typeof n === 'string'))
  ) {
    throw new TypeError('profile.optionalNamespaces must be an array of strings');
  }
  if (profile.patterns !== undefined) {
    if (!isRecord(profile.patterns)) throw new TypeError('profile.patterns must be an object');
    for (const [ns, list] of Object.entries(profile.patterns)) {
      if (!Array.isArray(list)) throw new TypeError(`profile.patterns[${JSON.stringify(ns)}] must be an array`);
      list.forEach((p: unknown, i) => {
        const path = `profile.patterns[${JSON.stringify(ns)}][${i}]`;
        if (!isRecord(p)) throw new TypeError(`${path} must be an object`);
        assertRegExp(p.pattern, `${path}.pattern`);
        assertSpec(p.spec, `${path}.spec`);
      });
    }
  }
  if (profile.mandatoryGroups !== undefined) {
    if (!Array.isArray(profile.mandatoryGroups)) throw new TypeError('profile.mandatoryGroups must be an array');
    profile.mandatoryGroups.forEach((g: unknown, i) => {
      if (!isRecord(g) || typeof g.namespace !== 'string' || !Array.isArray(g.anyOf) || g.anyOf.length === 0) {
        throw new TypeError(`profile.mandatoryGroups[${i}] must be { namespace, anyOf: [...], description }`);
      }
    });
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof RegExp) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Validate a profile and freeze it deeply, so that a profile shared through registries
 * cannot be changed by accident. Throws `TypeError` for a malformed profile.
 *
 * @example
 * ```ts
 * const loyalty = defineProfile({
 *   docType: 'com.example.loyalty.1',
 *   namespaces: { 'com.example.loyalty.1': { member_id: { type: 'tstr', mandatory: true, description: 'Member number' } } },
 * })
 * ```
 */
export function defineProfile<T extends DoctypeProfile>(profile: T): T {
  assertDoctypeProfile(profile);
  return deepFreeze(profile);
}

/**
 * A profile this package ships (internal): frozen deeply as {@link defineProfile} freezes it,
 * without walking every element spec to validate it each time `shomei/mdoc` is imported (about
 * a tenth of that import's time); test/mdoc/doctypes/builtins.test.ts holds each one to
 * {@link assertDoctypeProfile} instead.
 */
export function builtinProfile<T extends DoctypeProfile>(profile: T): T {
  return deepFreeze(profile);
}
