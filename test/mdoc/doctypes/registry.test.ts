import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PROFILES,
  DoctypeRegistry,
  type DoctypeProfile,
  defaultRegistry,
  defineProfile,
  MDL_DOCTYPE,
  MDL_PROFILE,
  MNC_DOCTYPE,
  PHOTOID_DOCTYPE,
  PID_DOCTYPE,
} from '../../../src/mdoc/doctypes/index.js';

const loyalty = (title = 'v1'): DoctypeProfile =>
  defineProfile({
    docType: 'com.example.loyalty.1',
    aliases: ['com.example.loyalty'],
    title,
    namespaces: { 'com.example.loyalty.1': { member_id: { type: 'tstr', mandatory: true, description: 'Member number' } } },
  });

describe('DoctypeRegistry', () => {
  it('defaultRegistry has the built-ins and is fresh on every call', () => {
    const a = defaultRegistry();
    expect(a.list().map((p) => p.docType)).toEqual([MDL_DOCTYPE, PHOTOID_DOCTYPE, PID_DOCTYPE, MNC_DOCTYPE]);
    a.register(loyalty());
    expect(a.has('com.example.loyalty.1')).toBe(true);
    expect(defaultRegistry().has('com.example.loyalty.1')).toBe(false);
    expect(BUILTIN_PROFILES).toHaveLength(4);
  });

  it('built-in profiles are frozen', () => {
    expect(Object.isFrozen(MDL_PROFILE)).toBe(true);
    expect(Object.isFrozen(MDL_PROFILE.namespaces['org.iso.18013.5.1'])).toBe(true);
    expect(Object.isFrozen(MDL_PROFILE.namespaces['org.iso.18013.5.1']?.family_name)).toBe(true);
    expect(Object.isFrozen(BUILTIN_PROFILES)).toBe(true);
    expect(() => {
      (MDL_PROFILE as { docType: string }).docType = 'x';
    }).toThrow(TypeError);
  });

  it('registers user doctypes and looks them up by docType or alias', () => {
    const registry = new DoctypeRegistry().register(loyalty());
    expect(registry.get('com.example.loyalty.1')?.title).toBe('v1');
    expect(registry.get('com.example.loyalty')?.title).toBe('v1');
    expect(registry.get('org.iso.18013.5.1.mDL')).toBeUndefined();
  });

  it('refuses to replace a docType or alias unless asked', () => {
    const registry = defaultRegistry().register(loyalty());
    expect(() => registry.register(loyalty('v2'))).toThrow(RangeError);
    expect(() => registry.register(defineProfile({ docType: 'com.example.loyalty', namespaces: {} }))).toThrow(
      /already registered/,
    );
    expect(() => registry.register({ ...MDL_PROFILE })).toThrow(RangeError);
    expect(registry.get('com.example.loyalty.1')?.title).toBe('v1');
  });

  it('replace: true swaps the profile out, with all its names', () => {
    const registry = defaultRegistry().register(loyalty());
    registry.register(defineProfile({ docType: 'com.example.loyalty.1', title: 'v2', namespaces: {} }), { replace: true });
    expect(registry.get('com.example.loyalty.1')?.title).toBe('v2');
    expect(registry.get('com.example.loyalty')).toBeUndefined(); // the old alias went with the old profile
    expect(registry.list().filter((p) => p.docType === 'com.example.loyalty.1')).toHaveLength(1);
    // replacing a built-in through one of its aliases
    registry.register(defineProfile({ docType: 'org.iso.23220.photoID.1', title: 'mine', namespaces: {} }), { replace: true });
    expect(registry.get('org.iso.23220.photoID.1')?.title).toBe('mine');
    expect(registry.get(PHOTOID_DOCTYPE)).toBeUndefined();
  });

  it('validates profiles with TypeErrors naming the path', () => {
    const registry = new DoctypeRegistry();
    expect(() => registry.register({} as DoctypeProfile)).toThrow('profile.docType must be a non-empty string');
    expect(() =>
      registry.register({ docType: 'x', namespaces: { ns: { a: { type: 'text' as 'tstr', description: '' } } } }),
    ).toThrow('profile.namespaces["ns"].a.type is not a known element type: "text"');
    expect(() =>
      registry.register({
        docType: 'x',
        namespaces: { ns: { a: { type: { kind: 'array', of: { kind: 'oneOf', types: [] } }, description: '' } } },
      }),
    ).toThrow('profile.namespaces["ns"].a.type.of.types must be a non-empty array');
    expect(() =>
      registry.register({ docType: 'x', namespaces: {}, patterns: { ns: [{ pattern: /a/g, spec: { type: 'bool', description: '' } }] } }),
    ).toThrow(/g or y flag/);
    expect(() => registry.register({ docType: 'x', namespaces: {}, namespaceAliases: { a: 'missing' } })).toThrow(
      /namespaceAliases/,
    );
    expect(() => registry.register({ docType: 'x', aliases: ['x'], namespaces: {} })).toThrow(/twice/);
    expect(registry.list()).toEqual([]);
  });
});
