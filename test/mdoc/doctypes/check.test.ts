import { describe, expect, it } from 'vitest';
import { CborFloat, EncodedCbor, FullDate, Tag, TDate } from '../../../src/cbor/index.js';
import {
  checkDocumentProfile,
  checkElement,
  DoctypeRegistry,
  defineProfile,
  describeElementType,
  describeValue,
  type ElementType,
  findElementSpec,
  ProfileCheckId,
} from '../../../src/mdoc/doctypes/index.js';
import { cmap, nameSpaces } from './helpers.js';

const ok = (type: ElementType, value: Parameters<typeof checkElement>[1]) => checkElement({ type }, value);

describe('checkElement: scalar types', () => {
  it.each([
    ['tstr', 'x'],
    ['uint', 0],
    ['uint', 2n ** 70n],
    ['int', -5],
    ['int', -(2n ** 70n)],
    ['bool', false],
    ['bstr', new Uint8Array(0)],
    ['full-date', new FullDate('2024-02-29')],
    ['tdate', new TDate('2024-01-01T00:00:00Z')],
    ['tdate-or-full-date', new FullDate('2024-01-01')],
    ['tdate-or-full-date', new TDate('2024-01-01T00:00:00Z')],
    ['number', 1.5],
    ['number', 3],
    ['number', new CborFloat(2)],
  ] as const)('%s accepts %s', (type, value) => {
    expect(ok(type, value)).toEqual({ ok: true });
  });

  it.each([
    ['tstr', 1, 'expected tstr, got uint'],
    ['uint', -1, 'expected uint, got nint'],
    ['uint', 1.5, 'expected uint, got float'],
    ['uint', new CborFloat(1), 'expected uint, got float'],
    ['int', '1', 'expected int, got tstr'],
    ['bool', 0, 'expected bool, got uint'],
    ['bstr', 'AAEC', 'expected bstr, got tstr'],
    ['full-date', '2024-01-01', 'expected full-date, got tstr'],
    ['full-date', new TDate('2024-01-01T00:00:00Z'), 'expected full-date, got tdate'],
    ['tdate', new FullDate('2024-01-01'), 'expected tdate, got full-date'],
    ['tdate-or-full-date', new Tag(1, 0), 'expected tdate-or-full-date, got tag 1'],
    ['number', null, 'expected number, got null'],
  ] as const)('%s rejects %s', (type, value, detail) => {
    expect(ok(type, value)).toEqual({ ok: false, detail });
  });

  it('names CBOR-only values in details', () => {
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(EncodedCbor.wrap(Uint8Array.of(1), 1))).toBe('tag 24 (encoded CBOR)');
    expect(describeValue([])).toBe('array');
    expect(describeValue(new Map())).toBe('map');
  });
});

describe('checkElement: constraints', () => {
  it('text: latin1, maxLength (code points), enum, pattern', () => {
    expect(ok({ kind: 'tstr', latin1: true }, 'Ærø Müller')).toEqual({ ok: true });
    expect(ok({ kind: 'tstr', latin1: true }, '山田')).toEqual({ ok: false, detail: 'has characters outside Latin-1' });
    expect(ok({ kind: 'tstr', latin1: true }, 'tab\there').ok).toBe(false);
    expect(ok({ kind: 'tstr', maxLength: 2 }, '😀😀')).toEqual({ ok: true });
    expect(ok({ kind: 'tstr', maxLength: 2 }, 'abc')).toEqual({ ok: false, detail: 'longer than 2 characters' });
    expect(ok({ kind: 'tstr', enum: ['T', 'N'] }, 'X')).toEqual({ ok: false, detail: '"X" is not one of T, N' });
    expect(ok({ kind: 'tstr', pattern: /^[A-Z]{2}$/ }, 'usa')).toEqual({ ok: false, detail: '"usa" does not match ^[A-Z]{2}$' });
  });

  it('integers: range and enum', () => {
    expect(ok({ kind: 'uint', min: 0, max: 9 }, 9)).toEqual({ ok: true });
    expect(ok({ kind: 'uint', min: 0, max: 9 }, 10)).toEqual({ ok: false, detail: '10 is above 9' });
    expect(ok({ kind: 'int', min: -2 }, -3)).toEqual({ ok: false, detail: '-3 is below -2' });
    expect(ok({ kind: 'uint', enum: [0, 1, 2, 9] }, 9n)).toEqual({ ok: true });
    expect(ok({ kind: 'uint', enum: [0, 1, 2, 9] }, 3)).toEqual({ ok: false, detail: '3 is not one of 0, 1, 2, 9' });
  });

  it('arrays: item types with paths, minItems', () => {
    const type: ElementType = { kind: 'array', of: 'tstr', minItems: 1 };
    expect(ok(type, ['a', 'b'])).toEqual({ ok: true });
    expect(ok(type, [])).toEqual({ ok: false, detail: 'needs at least 1 item' });
    expect(ok(type, ['a', 2])).toEqual({ ok: false, detail: '[1]: expected tstr, got uint' });
    expect(ok(type, 'a')).toEqual({ ok: false, detail: 'expected [+ tstr], got tstr' });
  });

  it('maps: mandatory fields, closed and open maps, text keys, anyOf', () => {
    const closed: ElementType = { kind: 'map', fields: { a: { type: 'tstr', mandatory: true }, b: { type: 'uint' } } };
    expect(ok(closed, cmap({ a: 'x' }))).toEqual({ ok: true });
    expect(ok(closed, cmap({ b: 1 }))).toEqual({ ok: false, detail: 'missing mandatory field a' });
    expect(ok(closed, cmap({ a: 'x', c: 1 }))).toEqual({ ok: false, detail: 'unexpected field c' });
    expect(ok(closed, cmap({ a: 'x', b: 'y' }))).toEqual({ ok: false, detail: 'b: expected uint, got tstr' });
    expect(ok(closed, new Map<never, never>([[1 as never, 'x' as never]]))).toEqual({ ok: false, detail: 'map key uint is not text' });
    const open: ElementType = { ...closed, extra: true };
    expect(ok(open, cmap({ a: 'x', c: 1 }))).toEqual({ ok: true });
    const any: ElementType = { kind: 'map', fields: { x: { type: 'tstr' }, y: { type: 'tstr' } }, anyOf: ['x', 'y'] };
    expect(ok(any, cmap({}))).toEqual({ ok: false, detail: 'needs at least one of x, y' });
    expect(ok(any, cmap({ y: 'y' }))).toEqual({ ok: true });
  });

  it('oneOf: any alternative passes; a failure lists every reason', () => {
    const type: ElementType = { kind: 'oneOf', types: ['full-date', { kind: 'map', fields: { d: { type: 'full-date', mandatory: true } } }] };
    expect(ok(type, new FullDate('2000-01-01'))).toEqual({ ok: true });
    expect(ok(type, cmap({ d: new FullDate('2000-01-01') }))).toEqual({ ok: true });
    const result = ok(type, '2000-01-01');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.detail).toBe(
      'fits none of full-date / { d: full-date } (expected full-date, got tstr; expected { d: full-date }, got tstr)',
    );
  });

  it('describes types CDDL-like', () => {
    expect(describeElementType({ kind: 'array', of: { kind: 'tstr', latin1: true, maxLength: 150 } })).toBe(
      '[* tstr (latin1, ≤150 chars)]',
    );
    expect(describeElementType({ kind: 'map', fields: { a: { type: 'bool' } }, extra: true })).toBe('{ ? a: bool, * tstr => any }');
    expect(describeElementType({ kind: 'uint', min: 0, max: 9 })).toBe('uint (0..9)');
  });
});

describe('checkDocumentProfile', () => {
  const profile = defineProfile({
    docType: 'com.example.card.1',
    namespaces: {
      'com.example.card.1': {
        id: { type: 'tstr', mandatory: true, description: 'id' },
        level: { type: 'uint', description: 'level' },
      },
    },
    namespaceAliases: { 'com.example.CARD.1': 'com.example.card.1' },
    patterns: { 'com.example.card.1': [{ pattern: /^flag_\d$/, spec: { type: 'bool', description: 'flag' } }] },
    mandatoryGroups: [{ namespace: 'com.example.card.1', anyOf: ['name', 'full_name'], description: 'name' }],
  });
  const registry = new DoctypeRegistry([profile]);

  it('reports one check per element, unknown elements as informational passes', () => {
    const checks = checkDocumentProfile(
      registry,
      'com.example.card.1',
      nameSpaces({ 'com.example.card.1': { id: 'A1', level: 'high', flag_1: true, extra: 1 }, 'com.example.other': { x: 1 } }),
    );
    expect(checks).toEqual([
      { id: 'PROFILE_ELEMENT_TYPE', namespace: 'com.example.card.1', element: 'id', status: 'passed', detail: 'tstr' },
      {
        id: 'PROFILE_ELEMENT_TYPE',
        namespace: 'com.example.card.1',
        element: 'level',
        status: 'failed',
        detail: 'expected uint, got tstr',
      },
      { id: 'PROFILE_ELEMENT_TYPE', namespace: 'com.example.card.1', element: 'flag_1', status: 'passed', detail: 'bool' },
      {
        id: 'PROFILE_UNKNOWN_ELEMENT',
        namespace: 'com.example.card.1',
        element: 'extra',
        status: 'passed',
        detail: 'extra is not defined in com.example.card.1 by the com.example.card.1 profile',
      },
      {
        id: 'PROFILE_UNKNOWN_ELEMENT',
        namespace: 'com.example.other',
        element: 'x',
        status: 'passed',
        detail: 'namespace com.example.other is not defined by the com.example.card.1 profile',
      },
    ]);
  });

  it('strict: unknown elements and docTypes fail', () => {
    const checks = checkDocumentProfile(registry, 'com.example.card.1', nameSpaces({ 'com.example.card.1': { extra: 1 } }), {
      strict: true,
    });
    expect(checks.map((c) => [c.id, c.status])).toEqual([[ProfileCheckId.UNKNOWN_ELEMENT, 'failed']]);
    expect(checkDocumentProfile(registry, 'nope', new Map(), { strict: true })).toEqual([
      { id: 'PROFILE_UNKNOWN_DOCTYPE', status: 'failed', detail: 'no profile for docType "nope"; elements not checked' },
    ]);
  });

  it('an unknown docType is one informational check', () => {
    expect(checkDocumentProfile(registry, 'nope', nameSpaces({ a: { b: 1 } }))).toEqual([
      { id: 'PROFILE_UNKNOWN_DOCTYPE', status: 'passed', detail: 'no profile for docType "nope"; elements not checked' },
    ]);
  });

  it('mandatory elements and groups only when asked; aliases count', () => {
    const data = nameSpaces({ 'com.example.CARD.1': { level: 1, full_name: 'x' } });
    expect(checkDocumentProfile(registry, 'com.example.card.1', data).some((c) => c.id === 'PROFILE_MANDATORY_MISSING')).toBe(false);
    const checks = checkDocumentProfile(registry, 'com.example.card.1', data, { requireMandatory: true });
    expect(checks.filter((c) => c.id === ProfileCheckId.MANDATORY_MISSING)).toEqual([
      {
        id: 'PROFILE_MANDATORY_MISSING',
        namespace: 'com.example.card.1',
        element: 'id',
        status: 'failed',
        detail: 'mandatory element id is missing from com.example.card.1',
      },
      {
        id: 'PROFILE_MANDATORY_MISSING',
        namespace: 'com.example.card.1',
        element: 'name | full_name',
        status: 'passed',
        detail: 'present as full_name',
      },
    ]);
    // the alias namespace is checked against the canonical specs
    expect(checks.find((c) => c.element === 'level')).toMatchObject({ id: 'PROFILE_ELEMENT_TYPE', status: 'passed' });
  });

  it('finds specs by exact name, then pattern; ignores inherited object keys', () => {
    expect(findElementSpec(profile, 'com.example.card.1', 'id')?.type).toBe('tstr');
    expect(findElementSpec(profile, 'com.example.CARD.1', 'flag_3')?.type).toBe('bool');
    expect(findElementSpec(profile, 'com.example.card.1', 'constructor')).toBeUndefined();
    expect(findElementSpec(profile, 'constructor', 'toString')).toBeUndefined();
    expect(findElementSpec(profile, '__proto__', 'x')).toBeUndefined();
  });
});
