import { describe, expect, it } from 'vitest';
import { type CborValue, decode, encode, FullDate, Simple, Tag, TDate } from '../../../src/cbor/index.js';
import { MdocError } from '../../../src/errors.js';
import {
  cborToJson,
  checkDocumentProfile,
  defaultRegistry,
  ISO_23220_NAMESPACE,
  jsonToNameSpaces,
  MDL_DOCTYPE,
  MDL_NAMESPACE,
  MNC_DOCTYPE,
  nameSpacesToJson,
  PID_DOCTYPE,
  PID_NAMESPACE,
} from '../../../src/mdoc/doctypes/index.js';

const registry = defaultRegistry();

function thrown(fn: () => unknown): MdocError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MdocError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

const mdlJson = {
  [MDL_NAMESPACE]: {
    family_name: 'Doe',
    given_name: 'John',
    birth_date: '1990-01-31',
    issue_date: '2024-01-01T00:00:00Z',
    expiry_date: '2034-01-01',
    issuing_country: 'US',
    issuing_authority: 'Utopia DMV',
    document_number: 'D1',
    portrait: '/9j/4AAQ',
    driving_privileges: [
      { vehicle_category_code: 'A', issue_date: '2018-08-09', expiry_date: '2024-10-20T00:00:00Z', codes: [{ code: '78' }] },
    ],
    un_distinguishing_sign: 'USA',
    sex: 1,
    age_over_21: true,
    portrait_capture_date: '2023-06-01T12:00:00Z',
    signature_usual_mark: { $bytes: 'AQID' },
  },
  'org.example.domestic': { note: 'x', count: 3, ratio: 1.5, nothing: null, list: [1, 'a'], nested: { a: { $date: '2020-02-29' } } },
};

describe('jsonToNameSpaces', () => {
  it('converts by profile type: dates, bytes, driving_privileges', () => {
    const ns = jsonToNameSpaces(registry, MDL_DOCTYPE, mdlJson);
    const mdl = ns.get(MDL_NAMESPACE)!;
    expect(mdl.get('birth_date')).toEqual(new FullDate('1990-01-31'));
    expect(mdl.get('issue_date')).toEqual(new TDate('2024-01-01T00:00:00Z'));
    expect(mdl.get('expiry_date')).toEqual(new FullDate('2034-01-01'));
    expect(mdl.get('portrait')).toEqual(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10));
    expect(mdl.get('signature_usual_mark')).toEqual(Uint8Array.of(1, 2, 3));
    expect(mdl.get('portrait_capture_date')).toBeInstanceOf(TDate);
    const [privilege] = mdl.get('driving_privileges') as ReadonlyMap<CborValue, CborValue>[];
    expect(privilege?.get('issue_date')).toEqual(new FullDate('2018-08-09'));
    expect(privilege?.get('expiry_date')).toEqual(new TDate('2024-10-20T00:00:00Z'));
    expect(privilege?.get('codes')).toEqual([new Map([['code', '78']])]);
    // unknown namespace: direct mapping, explicit forms honoured when nested
    const other = ns.get('org.example.domestic')!;
    expect(other.get('count')).toBe(3);
    expect(other.get('ratio')).toBe(1.5);
    expect(other.get('nothing')).toBeNull();
    expect(other.get('list')).toEqual([1, 'a']);
    expect(other.get('nested')).toEqual(new Map([['a', new FullDate('2020-02-29')]]));
    // the result passes the profile
    expect(checkDocumentProfile(registry, MDL_DOCTYPE, ns, { requireMandatory: true }).filter((c) => c.status === 'failed')).toEqual([]);
    // and encodes as CBOR with the right tags
    expect(decode(encode(mdl.get('birth_date')!))).toEqual(new FullDate('1990-01-31'));
  });

  it('explicit forms override the profile type', () => {
    const ns = jsonToNameSpaces(registry, MDL_DOCTYPE, {
      [MDL_NAMESPACE]: { issue_date: { $tdate: '2024-01-01T08:00:00+09:00' }, expiry_date: { $date: '2034-01-01' } },
      other: { blob: { $bytes: 'AAE' }, when: { $tdate: '2024-01-01T00:00:00Z' } },
    });
    expect(ns.get(MDL_NAMESPACE)!.get('issue_date')).toEqual(new TDate('2024-01-01T08:00:00+09:00'));
    expect(ns.get('other')!.get('blob')).toEqual(Uint8Array.of(0, 1));
    expect(ns.get('other')!.get('when')).toBeInstanceOf(TDate);
  });

  it('unknown docType: everything maps directly, strings stay strings', () => {
    const ns = jsonToNameSpaces(registry, 'com.example.unknown', { a: { birth_date: '1990-01-31', b: { $date: '1990-01-31' } } });
    expect(ns.get('a')!.get('birth_date')).toBe('1990-01-31');
    expect(ns.get('a')!.get('b')).toEqual(new FullDate('1990-01-31'));
  });

  it('both MNC birth_date encodings and the PID place_of_birth / nationality forms', () => {
    const a = jsonToNameSpaces(registry, MNC_DOCTYPE, { [ISO_23220_NAMESPACE]: { birth_date: '1971-09-01' } });
    expect(a.get(ISO_23220_NAMESPACE)!.get('birth_date')).toEqual(new FullDate('1971-09-01'));
    const b = jsonToNameSpaces(registry, MNC_DOCTYPE, {
      [ISO_23220_NAMESPACE]: { birth_date: { birth_date: '1971-09-01', approximate_mask: '00000011' } },
    });
    expect(b.get(ISO_23220_NAMESPACE)!.get('birth_date')).toEqual(
      new Map<CborValue, CborValue>([
        ['birth_date', new FullDate('1971-09-01')],
        ['approximate_mask', '00000011'],
      ]),
    );
    const pid = jsonToNameSpaces(registry, PID_DOCTYPE, {
      [PID_NAMESPACE]: { place_of_birth: { country: 'NL' }, nationality: 'NL', expiry_date: '2035-12-19' },
    });
    expect(pid.get(PID_NAMESPACE)!.get('place_of_birth')).toEqual(new Map([['country', 'NL']]));
    expect(pid.get(PID_NAMESPACE)!.get('nationality')).toBe('NL');
    expect(pid.get(PID_NAMESPACE)!.get('expiry_date')).toEqual(new FullDate('2035-12-19'));
  });

  it.each<[string, unknown, string, RegExp]>([
    ['bad full-date', { [MDL_NAMESPACE]: { birth_date: '1990-02-30' } }, 'org.iso.18013.5.1.birth_date', /not a full-date/],
    ['bad tdate', { [MDL_NAMESPACE]: { portrait_capture_date: 'yesterday' } }, 'org.iso.18013.5.1.portrait_capture_date', /RFC 3339/],
    ['bad base64', { [MDL_NAMESPACE]: { portrait: 'not base64!' } }, 'org.iso.18013.5.1.portrait', /not base64/],
    ['wrong type', { [MDL_NAMESPACE]: { birth_date: 19900131 } }, 'org.iso.18013.5.1.birth_date', /expected full-date, got uint/],
    ['constraint', { [MDL_NAMESPACE]: { sex: 5 } }, 'org.iso.18013.5.1.sex', /not one of/],
    [
      'nested date',
      { [MDL_NAMESPACE]: { driving_privileges: [{ vehicle_category_code: 'A' }, { vehicle_category_code: 'B', issue_date: '2018-13-01' }] } },
      'org.iso.18013.5.1.driving_privileges[1].issue_date',
      /not a full-date/,
    ],
    [
      'missing vehicle_category_code',
      { [MDL_NAMESPACE]: { driving_privileges: [{ issue_date: '2018-01-01' }] } },
      'org.iso.18013.5.1.driving_privileges',
      /\[0\]: missing mandatory field vehicle_category_code/,
    ],
    ['bad explicit form', { other: { x: { $date: 'soon' } } }, 'other.x', /not a full-date/],
    ['explicit form needs a string', { other: { x: { $bytes: 1 } } }, 'other.x', /\$bytes needs a string/],
  ])('%s → ERR_MDOC_PROFILE with path', (_, json, path, message) => {
    const e = thrown(() => jsonToNameSpaces(registry, MDL_DOCTYPE, json));
    expect(e.code).toBe('ERR_MDOC_PROFILE');
    expect(e.path).toBe(path);
    expect(e.message).toMatch(message);
  });

  it('validate: false keeps values that do not fit', () => {
    const ns = jsonToNameSpaces(registry, MDL_DOCTYPE, { [MDL_NAMESPACE]: { sex: 5 } }, { validate: false });
    expect(ns.get(MDL_NAMESPACE)!.get('sex')).toBe(5);
  });

  it('runaway nesting → ERR_MDOC_INPUT', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    const e = thrown(() => jsonToNameSpaces(registry, MDL_DOCTYPE, { other: { deep } }));
    expect(e.code).toBe('ERR_MDOC_INPUT');
    expect(e.message).toMatch(/nested more than 64 levels/);
    let cyclic = new Map<CborValue, CborValue>();
    for (let i = 0; i < 100; i++) cyclic = new Map([['a', cyclic]]);
    expect(JSON.stringify(cborToJson(cyclic))).toContain('"$cbor":"…"');
  });

  it.each<[string, unknown, string]>([
    ['not an object', [], ''],
    ['namespace not an object', { [MDL_NAMESPACE]: 'x' }, MDL_NAMESPACE],
    ['unknown $ form', { other: { x: { $byte: 'AA' } } }, 'other.x'],
  ])('%s → ERR_MDOC_INPUT', (_, json, path) => {
    const e = thrown(() => jsonToNameSpaces(registry, MDL_DOCTYPE, json));
    expect(e.code).toBe('ERR_MDOC_INPUT');
    expect(e.path).toBe(path);
  });
});

describe('nameSpacesToJson', () => {
  it('dates as text, bytes as { $bytes }, maps as objects', () => {
    const ns = jsonToNameSpaces(registry, MDL_DOCTYPE, mdlJson);
    const json = nameSpacesToJson(ns);
    expect(json[MDL_NAMESPACE]).toMatchObject({
      birth_date: '1990-01-31',
      issue_date: '2024-01-01T00:00:00Z',
      portrait: { $bytes: '/9j/4AAQ' },
      driving_privileges: [{ vehicle_category_code: 'A', issue_date: '2018-08-09', expiry_date: '2024-10-20T00:00:00Z', codes: [{ code: '78' }] }],
      age_over_21: true,
    });
    expect(json['org.example.domestic']).toEqual({
      note: 'x',
      count: 3,
      ratio: 1.5,
      nothing: null,
      list: [1, 'a'],
      nested: { a: '2020-02-29' },
    });
  });

  it('round-trips through jsonToNameSpaces for profile-typed elements', () => {
    const ns = jsonToNameSpaces(registry, MDL_DOCTYPE, { [MDL_NAMESPACE]: mdlJson[MDL_NAMESPACE] });
    const again = jsonToNameSpaces(registry, MDL_DOCTYPE, JSON.parse(JSON.stringify(nameSpacesToJson(ns))));
    expect(again).toEqual(ns);
  });

  it('values JSON cannot hold become { $cbor } diagnostic notation; big integers text', () => {
    expect(cborToJson(new Tag(42, 'x'))).toEqual({ $cbor: '42("x")' });
    expect(cborToJson(undefined)).toEqual({ $cbor: 'undefined' });
    expect(cborToJson(new Simple(16))).toEqual({ $cbor: 'simple(16)' });
    expect(cborToJson(Number.NaN)).toEqual({ $cbor: 'NaN' });
    expect(cborToJson(2n ** 64n)).toBe('18446744073709551616');
    expect(cborToJson(5n)).toBe(5);
    expect(cborToJson(new Map<CborValue, CborValue>([[1, 'a'], [Uint8Array.of(1), 'b']]))).toEqual({ 1: 'a', "h'01'": 'b' });
  });

  it('a "__proto__" key is kept as data', () => {
    const json = nameSpacesToJson(new Map([['ns', new Map<string, CborValue>([['__proto__', new Map([['polluted', true]])]])]]));
    const ns = json.ns!;
    expect(Object.getPrototypeOf(ns)).toBe(Object.prototype);
    expect(Object.keys(ns)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
