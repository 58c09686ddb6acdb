import { describe, expect, it } from 'vitest';
import { type CborValue, FullDate } from '../../../src/cbor/index.js';
import {
  checkDocumentProfile,
  DATAGROUPS_NAMESPACE,
  DTC_NAMESPACE,
  defaultRegistry,
  ISO_23220_NAMESPACE,
  PHOTOID_DOCTYPE,
  PHOTOID_DOCTYPE_N4583,
  PHOTOID_NAMESPACE,
  PHOTOID_NAMESPACE_N4583,
  PHOTOID_PROFILE,
  photoIdView,
} from '../../../src/mdoc/doctypes/index.js';
import { cmap, nameSpaces, PORTRAIT } from './helpers.js';

const registry = defaultRegistry();

/** N4583 / Apple names. */
const n4583: Record<string, CborValue> = {
  family_name_unicode: 'Doe',
  given_name_unicode: 'Jane',
  family_name_latin1: 'Doe',
  given_name_latin1: 'Jane',
  birth_date: cmap({ birth_date: new FullDate('1990-01-01'), approximate_mask: '00001111' }),
  portrait: PORTRAIT,
  issue_date: new FullDate('2024-01-01'),
  expiry_date: new FullDate('2034-01-01'),
  issuing_authority_unicode: 'Utopia Registry',
  issuing_country: 'UT',
  document_number: 'P123',
  resident_address_unicode: '1 Main St',
  age_over_18: true,
  sex: 2,
};

/** N4770/N4862 names. */
const n4862: Record<string, CborValue> = {
  family_name: 'Doe',
  given_name: 'Jane',
  birth_date: new FullDate('1990-01-01'),
  portrait: PORTRAIT,
  issue_date: new FullDate('2024-01-01'),
  expiry_date: new FullDate('2034-01-01'),
  issuing_authority: 'Utopia Registry',
  issuing_country: 'UT',
  resident_city: 'Utopia City',
  family_name_viz: 'DOE',
};

describe('PhotoID profile', () => {
  it('is found under both docType spellings', () => {
    expect(registry.get(PHOTOID_DOCTYPE)).toBe(PHOTOID_PROFILE);
    expect(registry.get(PHOTOID_DOCTYPE_N4583)).toBe(PHOTOID_PROFILE);
  });

  it.each([
    [PHOTOID_DOCTYPE, n4583],
    [PHOTOID_DOCTYPE_N4583, n4583],
    [PHOTOID_DOCTYPE, n4862],
    [PHOTOID_DOCTYPE_N4583, n4862],
  ])('%s: good values pass, mandatory present (both element spellings)', (docType, iso) => {
    const checks = checkDocumentProfile(registry, docType, nameSpaces({ [ISO_23220_NAMESPACE]: iso }), { requireMandatory: true });
    expect(checks.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(checks.filter((c) => c.id === 'PROFILE_UNKNOWN_ELEMENT')).toEqual([]);
  });

  it('PhotoID and DTC namespaces in both spellings', () => {
    const data = nameSpaces({
      [PHOTOID_NAMESPACE]: { person_id: 'X1', birth_country: 'UT' },
      [PHOTOID_NAMESPACE_N4583]: { resident_house_number: '12a' },
      [DTC_NAMESPACE]: { dtc_version: '1', dtc_dg1: Uint8Array.of(1), dg16: Uint8Array.of(2) },
      [DATAGROUPS_NAMESPACE]: { sod: Uint8Array.of(3), dg2: Uint8Array.of(4) },
    });
    const checks = checkDocumentProfile(registry, PHOTOID_DOCTYPE_N4583, data);
    expect(checks.map((c) => `${c.element}:${c.id}:${c.status}`)).toEqual([
      'person_id:PROFILE_ELEMENT_TYPE:passed',
      'birth_country:PROFILE_ELEMENT_TYPE:passed',
      'resident_house_number:PROFILE_ELEMENT_TYPE:passed',
      'dtc_version:PROFILE_ELEMENT_TYPE:passed',
      'dtc_dg1:PROFILE_ELEMENT_TYPE:passed',
      'dg16:PROFILE_ELEMENT_TYPE:passed',
      'sod:PROFILE_ELEMENT_TYPE:passed',
      'dg2:PROFILE_ELEMENT_TYPE:passed',
    ]);
    const [dg17] = checkDocumentProfile(registry, PHOTOID_DOCTYPE, nameSpaces({ [DTC_NAMESPACE]: { dg17: Uint8Array.of(1) } }));
    expect(dg17?.id).toBe('PROFILE_UNKNOWN_ELEMENT');
  });

  it.each<[string, CborValue, string]>([
    ['birth_date', '1990-01-01', 'fits none of'],
    ['birth_date', cmap({ approximate_mask: '00000000' }), 'missing mandatory field birth_date'],
    ['birth_date', cmap({ birth_date: new FullDate('1990-01-01'), approximate_mask: 'YYYYMMDD' }), 'does not match ^[01]{8}$'],
    ['issue_date', '2024-01-01', 'expected full-date, got tstr'],
    ['issuing_country', 'utopia', 'does not match'],
    ['family_name_latin1', 'Jürgen 山', 'outside Latin-1'],
    ['age_over_21', 1, 'expected bool, got uint'],
  ])('%s = %o fails', (element, value, detail) => {
    const [check] = checkDocumentProfile(registry, PHOTOID_DOCTYPE, nameSpaces({ [ISO_23220_NAMESPACE]: { [element]: value } }));
    expect(check).toMatchObject({ id: 'PROFILE_ELEMENT_TYPE', status: 'failed' });
    expect(check?.detail).toContain(detail);
  });

  it('requireMandatory: name groups accept either spelling, report when neither is there', () => {
    const iso = { ...n4862 };
    delete iso.given_name;
    delete iso.issuing_authority;
    iso.issuing_authority_unicode = 'Utopia Registry';
    const failed = checkDocumentProfile(registry, PHOTOID_DOCTYPE, nameSpaces({ [ISO_23220_NAMESPACE]: iso }), {
      requireMandatory: true,
    }).filter((c) => c.status === 'failed');
    expect(failed).toEqual([
      {
        id: 'PROFILE_MANDATORY_MISSING',
        namespace: ISO_23220_NAMESPACE,
        element: 'given_name_unicode | given_name',
        status: 'failed',
        detail: 'mandatory given name is missing from org.iso.23220.1 (any of given_name_unicode, given_name)',
      },
    ]);
  });
});

describe('photoIdView', () => {
  it('merges renamed elements and reads both birth_date encodings', () => {
    const a = photoIdView(
      nameSpaces({ [ISO_23220_NAMESPACE]: n4583, [PHOTOID_NAMESPACE_N4583]: { person_id: 'X1' } }),
    );
    expect(a).toMatchObject({
      family_name: 'Doe',
      given_name: 'Jane',
      issuing_authority: 'Utopia Registry',
      resident_address: '1 Main St',
      birth_date_approximate_mask: '00001111',
      person_id: 'X1',
      sex: 2,
      age_over: { 18: true },
    });
    expect(a.birth_date?.text).toBe('1990-01-01');
    const b = photoIdView(nameSpaces({ [ISO_23220_NAMESPACE]: n4862 }));
    expect(b).toMatchObject({ family_name: 'Doe', issuing_authority: 'Utopia Registry', resident_city: 'Utopia City' });
    expect(b.birth_date?.text).toBe('1990-01-01');
    expect(b.birth_date_approximate_mask).toBeUndefined();
  });

  it('leaves out values of the wrong type', () => {
    const view = photoIdView(nameSpaces({ [ISO_23220_NAMESPACE]: { family_name: 1, birth_date: '1990-01-01', sex: 7 } }));
    expect(view.family_name).toBeUndefined();
    expect(view.birth_date).toBeUndefined();
    expect(view.sex).toBeUndefined();
  });
});
