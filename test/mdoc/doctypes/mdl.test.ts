import { describe, expect, it } from 'vitest';
import { type CborValue, decode, type EncodedCbor, FullDate, TDate } from '../../../src/cbor/index.js';
import { fromHex } from '../../../src/internal/bytes.js';
import {
  AAMVA_NAMESPACE,
  answerAgeOver,
  checkDocumentProfile,
  checkElement,
  defaultRegistry,
  findElementSpec,
  MDL_DOCTYPE,
  MDL_NAMESPACE,
  MDL_PROFILE,
  mdlView,
} from '../../../src/mdoc/doctypes/index.js';
import { loadVector } from '../../helpers/vectors.js';
import { cmap, nameSpaces, PORTRAIT } from './helpers.js';

const annexD = loadVector('iso18013-5/annex-d.json') as Record<string, { hex: string }>;
const registry = defaultRegistry();
const spec = (element: string, ns = MDL_NAMESPACE) => {
  const s = findElementSpec(MDL_PROFILE, ns, element);
  if (s === undefined) throw new Error(`no spec ${element}`);
  return s;
};

function goodMdl(): Record<string, CborValue> {
  return {
    family_name: 'Mustermann',
    given_name: 'Erika',
    birth_date: new FullDate('1964-08-12'),
    issue_date: new TDate('2024-01-01T00:00:00Z'),
    expiry_date: new FullDate('2034-01-01'),
    issuing_country: 'DE',
    issuing_authority: 'Stadt Köln',
    document_number: 'L01X00T47',
    portrait: PORTRAIT,
    driving_privileges: [
      cmap({
        vehicle_category_code: 'B',
        issue_date: new FullDate('2010-05-01'),
        codes: [cmap({ code: '01', sign: '=', value: '06' })],
      }),
    ],
    un_distinguishing_sign: 'D',
    sex: 2,
    height: 170,
    eye_colour: 'blue',
    hair_colour: 'blond',
    portrait_capture_date: new TDate('2023-12-01T10:00:00Z'),
    issuing_jurisdiction: 'DE-NW',
    resident_street: 'Hauptstraße',
    family_name_national_character: 'Мустерманн',
    age_over_18: true,
    age_over_65: false,
    biometric_template_face: Uint8Array.of(1, 2, 3),
  };
}

describe('mDL profile', () => {
  it('good values pass, every element checked', () => {
    const checks = checkDocumentProfile(registry, MDL_DOCTYPE, nameSpaces({ [MDL_NAMESPACE]: goodMdl() }), { requireMandatory: true });
    expect(checks.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(checks.filter((c) => c.id === 'PROFILE_ELEMENT_TYPE')).toHaveLength(Object.keys(goodMdl()).length);
    expect(checks.filter((c) => c.id === 'PROFILE_MANDATORY_MISSING').map((c) => c.element)).toContain('driving_privileges');
  });

  it.each<[string, CborValue, string]>([
    ['family_name', '山田', 'has characters outside Latin-1'],
    ['family_name', 'x'.repeat(151), 'longer than 150 characters'],
    ['birth_date', '1964-08-12', 'expected full-date, got tstr'],
    ['birth_date', new TDate('1964-08-12T00:00:00Z'), 'expected full-date, got tdate'],
    ['issue_date', '2024-01-01', 'expected tdate-or-full-date, got tstr'],
    ['issuing_country', 'DEU', '"DEU" does not match ^[A-Z]{2}$'],
    ['portrait', 'base64', 'expected bstr, got tstr'],
    ['sex', 3, '3 is not one of 0, 1, 2, 9'],
    ['height', -1, 'expected uint, got nint'],
    ['eye_colour', 'violet', '"violet" is not one of black, blue, brown, dichromatic, grey, green, hazel, maroon, pink, unknown'],
    ['portrait_capture_date', new FullDate('2023-12-01'), 'expected tdate, got full-date'],
    ['issuing_jurisdiction', 'NW', '"NW" does not match ^[A-Z]{2}-[A-Z0-9]{1,3}$'],
    ['age_over_18', 'yes', 'expected bool, got tstr'],
    ['biometric_template_finger', 'x', 'expected bstr, got tstr'],
  ])('%s = %o fails: %s', (element, value, detail) => {
    const checks = checkDocumentProfile(registry, MDL_DOCTYPE, nameSpaces({ [MDL_NAMESPACE]: { [element]: value } }));
    expect(checks).toEqual([{ id: 'PROFILE_ELEMENT_TYPE', namespace: MDL_NAMESPACE, element, status: 'failed', detail }]);
  });

  it('age_over_NN by pattern: two digits only', () => {
    expect(spec('age_over_00').type).toBe('bool');
    expect(spec('age_over_99').type).toBe('bool');
    expect(findElementSpec(MDL_PROFILE, MDL_NAMESPACE, 'age_over_100')).toBeUndefined();
    expect(findElementSpec(MDL_PROFILE, MDL_NAMESPACE, 'age_over_7')).toBeUndefined();
    const checks = checkDocumentProfile(registry, MDL_DOCTYPE, nameSpaces({ [MDL_NAMESPACE]: { age_over_100: true } }));
    expect(checks[0]).toMatchObject({ id: 'PROFILE_UNKNOWN_ELEMENT', status: 'passed' });
  });

  it('requireMandatory lists the missing mandatory elements', () => {
    const data = goodMdl();
    delete data.portrait;
    delete data.un_distinguishing_sign;
    const missing = checkDocumentProfile(registry, MDL_DOCTYPE, nameSpaces({ [MDL_NAMESPACE]: data }), { requireMandatory: true })
      .filter((c) => c.status === 'failed')
      .map((c) => `${c.namespace}/${c.element}`);
    expect(missing).toEqual([`${MDL_NAMESPACE}/portrait`, `${MDL_NAMESPACE}/un_distinguishing_sign`]);
  });
});

describe('driving_privileges (18013-5 §7.2.4)', () => {
  const dp = spec('driving_privileges');

  it('accepts a valid list, an empty list, RFU fields and tdate dates (lenient)', () => {
    expect(checkElement(dp, [])).toEqual({ ok: true });
    expect(
      checkElement(dp, [
        cmap({ vehicle_category_code: 'A', issue_date: new FullDate('2018-08-09'), expiry_date: new FullDate('2024-10-20') }),
        cmap({ vehicle_category_code: 'B', issue_date: new TDate('2017-02-23T00:00:00Z'), future_field: 1 }),
      ]),
    ).toEqual({ ok: true });
  });

  it('rejects a privilege without vehicle_category_code, with a path', () => {
    expect(checkElement(dp, [cmap({ vehicle_category_code: 'A' }), cmap({ issue_date: new FullDate('2018-08-09') })])).toEqual({
      ok: false,
      detail: '[1]: missing mandatory field vehicle_category_code',
    });
  });

  it('rejects text dates, empty codes, codes without code', () => {
    expect(checkElement(dp, [cmap({ vehicle_category_code: 'A', expiry_date: '2024-10-20' })])).toEqual({
      ok: false,
      detail: '[0].expiry_date: expected tdate-or-full-date, got tstr',
    });
    expect(checkElement(dp, [cmap({ vehicle_category_code: 'A', codes: [] })])).toEqual({
      ok: false,
      detail: '[0].codes: needs at least 1 item',
    });
    expect(checkElement(dp, [cmap({ vehicle_category_code: 'A', codes: [cmap({ sign: '=' })] })])).toEqual({
      ok: false,
      detail: '[0].codes[0]: missing mandatory field code',
    });
  });

  it('Annex D D.2.1 driving_privileges value passes', () => {
    const value = decode(fromHex(annexD.driving_privileges!.hex));
    expect(checkElement(dp, value)).toEqual({ ok: true });
    const view = mdlView(nameSpaces({ [MDL_NAMESPACE]: { driving_privileges: value } }));
    expect(view.driving_privileges?.map((p) => [p.vehicle_category_code, String(p.issue_date), String(p.expiry_date)])).toEqual([
      ['A', '2018-08-09', '2024-10-20'],
      ['B', '2017-02-23', '2024-10-20'],
    ]);
  });

  it('Annex D D.4.1.2 issuer-signed elements all pass the mDL profile', () => {
    const issuerSigned = decode(fromHex(annexD.issuer_signed!.hex)) as ReadonlyMap<CborValue, CborValue>;
    const ns = new Map<string, Map<string, CborValue>>();
    for (const [namespace, items] of issuerSigned.get('nameSpaces') as ReadonlyMap<string, readonly EncodedCbor[]>) {
      const elements = new Map<string, CborValue>();
      for (const item of items) {
        const m = item.value as ReadonlyMap<CborValue, CborValue>;
        elements.set(m.get('elementIdentifier') as string, m.get('elementValue'));
      }
      ns.set(namespace, elements);
    }
    const checks = checkDocumentProfile(registry, MDL_DOCTYPE, ns);
    expect(checks.map((c) => `${c.element}:${c.status}`)).toEqual([
      'family_name:passed',
      'issue_date:passed',
      'expiry_date:passed',
      'document_number:passed',
      'portrait:passed',
      'driving_privileges:passed',
    ]);
    const view = mdlView(ns);
    expect(view.family_name).toBe('Doe');
    expect(view.portrait?.length).toBe(1042);
  });
});

describe('AAMVA namespace', () => {
  const aamva = {
    domestic_driving_privileges: [
      cmap({
        domestic_vehicle_class: cmap({
          domestic_vehicle_class_code: 'C',
          domestic_vehicle_class_description: 'Class C',
          issue_date: new FullDate('2020-01-01'),
        }),
        domestic_vehicle_restrictions: [cmap({ domestic_vehicle_restriction_description: 'Corrective lenses' })],
      }),
    ],
    family_name_truncation: 'N',
    given_name_truncation: 'N',
    sex: 1,
    DHS_compliance: 'F',
    'aka_family_name.v2': 'Smithy',
    resident_county: '037',
    EDL_credential: 1,
    weight_range: 3,
    aamva_version: 1,
  };

  it('good values pass with the mandatory ones present', () => {
    const checks = checkDocumentProfile(registry, MDL_DOCTYPE, nameSpaces({ [AAMVA_NAMESPACE]: aamva }), { requireMandatory: true });
    expect(checks.filter((c) => c.namespace === AAMVA_NAMESPACE && c.status === 'failed')).toEqual([]);
  });

  it('mandatory AAMVA elements apply only when the namespace is present', () => {
    const { sex: _, ...withoutSex } = aamva;
    const failed = checkDocumentProfile(registry, MDL_DOCTYPE, nameSpaces({ [AAMVA_NAMESPACE]: withoutSex }), {
      requireMandatory: true,
    }).filter((c) => c.namespace === AAMVA_NAMESPACE && c.status === 'failed');
    expect(failed.map((c) => c.element)).toEqual(['sex']);
  });

  it.each<[string, CborValue]>([
    ['family_name_truncation', 'Y'],
    ['resident_county', '37'],
    ['weight_range', 10],
    ['organ_donor', 2],
    ['DHS_compliance', 'Y'],
    ['domestic_driving_privileges', [cmap({ domestic_vehicle_class: cmap({ domestic_vehicle_class_code: 'C' }) })]],
  ])('%s = %o fails', (element, value) => {
    const [check] = checkDocumentProfile(registry, MDL_DOCTYPE, nameSpaces({ [AAMVA_NAMESPACE]: { [element]: value } }));
    expect(check).toMatchObject({ id: 'PROFILE_ELEMENT_TYPE', status: 'failed' });
  });

  it('mdlView exposes the AAMVA namespace', () => {
    const view = mdlView(nameSpaces({ [AAMVA_NAMESPACE]: aamva }));
    expect(view.aamva).toMatchObject({ sex: 1, DHS_compliance: 'F', aka_family_name: 'Smithy', resident_county: '037' });
    expect(view.aamva?.domestic_driving_privileges).toHaveLength(1);
    expect(mdlView(new Map()).aamva).toBeUndefined();
  });
});

describe('mdlView', () => {
  it('types the wire names and leaves out values of the wrong type', () => {
    const data = goodMdl();
    data.given_name = 42; // wrong type: left out
    const view = mdlView(nameSpaces({ [MDL_NAMESPACE]: data }));
    expect(view.family_name).toBe('Mustermann');
    expect(view.given_name).toBeUndefined();
    expect(view.birth_date?.text).toBe('1964-08-12');
    expect(view.issue_date).toBeInstanceOf(TDate);
    expect(view.expiry_date).toBeInstanceOf(FullDate);
    expect(view.sex).toBe(2);
    expect(view.portrait).toEqual(PORTRAIT);
    expect(view.driving_privileges).toEqual([
      {
        vehicle_category_code: 'B',
        issue_date: new FullDate('2010-05-01'),
        expiry_date: undefined,
        codes: [{ code: '01', sign: '=', value: '06' }],
      },
    ]);
    expect(view.age_over).toEqual({ 18: true, 65: false });
    expect(view.biometric_template).toEqual({ face: Uint8Array.of(1, 2, 3) });
    expect(view.resident_street).toBe('Hauptstraße');
  });

  it('an invalid driving_privileges list is left out entirely', () => {
    const view = mdlView(nameSpaces({ [MDL_NAMESPACE]: { driving_privileges: [cmap({ codes: [] })] } }));
    expect(view.driving_privileges).toBeUndefined();
  });
});

describe('answerAgeOver (18013-5 §7.2.5)', () => {
  it('uses the nearest attestation', () => {
    expect(answerAgeOver({ 21: true }, 18)).toBe(true);
    expect(answerAgeOver({ 18: true }, 18)).toBe(true);
    expect(answerAgeOver({ 16: true }, 18)).toBeUndefined();
    expect(answerAgeOver({ 16: false }, 18)).toBe(false);
    expect(answerAgeOver({ 18: false }, 18)).toBe(false);
    expect(answerAgeOver({ 21: false }, 18)).toBeUndefined();
    expect(answerAgeOver({ 16: true, 21: false }, 18)).toBeUndefined();
    expect(answerAgeOver({}, 18)).toBeUndefined();
    expect(() => answerAgeOver({}, -1)).toThrow(RangeError);
  });
});
