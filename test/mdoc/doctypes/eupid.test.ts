import { describe, expect, it } from 'vitest';
import { type CborValue, FullDate, TDate } from '../../../src/cbor/index.js';
import {
  checkDocumentProfile,
  defaultRegistry,
  PID_DOCTYPE,
  PID_DOCTYPE_EUDIW,
  PID_NAMESPACE,
  PID_PROFILE,
  pidView,
} from '../../../src/mdoc/doctypes/index.js';
import { cmap, nameSpaces, PORTRAIT } from './helpers.js';

const registry = defaultRegistry();

/** Rulebook v1.4 (CIR 2024/2977) element set. */
const current: Record<string, CborValue> = {
  family_name: "'t Hart",
  given_name: 'Jan Wijnand',
  birth_date: new FullDate('1978-02-12'),
  place_of_birth: cmap({ country: 'NL', locality: 'Amsterdam' }),
  nationality: ['NL', 'DE'],
  portrait: PORTRAIT,
  sex: 5,
  personal_administrative_number: '123456782',
  email_address: 'wijnandthart@example.com',
  expiry_date: new FullDate('2035-12-19'),
  issuance_date: new TDate('2025-12-19T00:00:00Z'),
  issuing_authority: 'Rijksdienst voor Identiteitsgegevens',
  issuing_country: 'NL',
  resident_house_number: '1',
};

/** PID Rule Book v1.0 / ARF 1.x element set. */
const early: Record<string, CborValue> = {
  family_name: 'Mustermann',
  given_name: 'Erika',
  birth_date: new FullDate('1964-08-12'),
  birth_place: 'Berlin',
  birth_country: 'DE',
  birth_city: 'Berlin',
  nationality: 'DE',
  gender: 2,
  age_over_18: true,
  age_in_years: 60,
  age_birth_year: 1964,
  administrative_number: 'A1',
  issuance_date: new FullDate('2024-01-01'),
  expiry_date: new TDate('2034-01-01T00:00:00Z'),
  issuing_authority: 'DE',
  issuing_country: 'DE',
};

describe('EU PID profile', () => {
  it('the eudiw docType is an alias', () => {
    expect(registry.get(PID_DOCTYPE_EUDIW)).toBe(PID_PROFILE);
  });

  it.each([
    ['current', PID_DOCTYPE, PID_NAMESPACE, current],
    ['early', PID_DOCTYPE, PID_NAMESPACE, early],
    ['early eudiw', PID_DOCTYPE_EUDIW, PID_DOCTYPE_EUDIW, early],
  ])('%s element set passes with mandatory elements present', (_, docType, ns, data) => {
    const checks = checkDocumentProfile(registry, docType, nameSpaces({ [ns]: data }), { requireMandatory: true });
    expect(checks.filter((c) => c.status !== 'passed' || c.id === 'PROFILE_UNKNOWN_ELEMENT')).toEqual([]);
  });

  it.each<[string, CborValue, string]>([
    ['place_of_birth', cmap({}), 'needs at least one of country, region, locality'],
    ['place_of_birth', cmap({ country: 'Netherlands' }), 'country: "Netherlands" does not match ^[A-Z]{2}$'],
    ['place_of_birth', cmap({ city: 'Amsterdam' }), 'unexpected field city'],
    ['place_of_birth', 'Amsterdam', 'expected { ? country'],
    ['nationality', [], 'fits none of'],
    ['nationality', ['nl'], 'fits none of'],
    ['sex', 7, '7 is not one of 0, 1, 2, 3, 4, 5, 6, 9'],
    ['family_name', 'x'.repeat(151), 'longer than 150 characters'],
    ['expiry_date', '2035-12-19', 'expected tdate-or-full-date, got tstr'],
    ['birth_date', new TDate('1978-02-12T00:00:00Z'), 'expected full-date, got tdate'],
  ])('%s = %o fails', (element, value, detail) => {
    const [check] = checkDocumentProfile(registry, PID_DOCTYPE, nameSpaces({ [PID_NAMESPACE]: { [element]: value } }));
    expect(check).toMatchObject({ id: 'PROFILE_ELEMENT_TYPE', status: 'failed' });
    expect(check?.detail).toContain(detail);
  });

  it('requireMandatory: place of birth in either form, nationality', () => {
    const data = { ...current };
    delete data.place_of_birth;
    delete data.nationality;
    const failed = checkDocumentProfile(registry, PID_DOCTYPE, nameSpaces({ [PID_NAMESPACE]: data }), { requireMandatory: true })
      .filter((c) => c.status === 'failed')
      .map((c) => c.element);
    expect(failed).toEqual(['nationality', 'place_of_birth | birth_place']);
  });
});

describe('pidView', () => {
  it('current form', () => {
    const view = pidView(nameSpaces({ [PID_NAMESPACE]: current }));
    expect(view).toMatchObject({
      family_name: "'t Hart",
      place_of_birth: { country: 'NL', region: undefined, locality: 'Amsterdam' },
      birth_place: undefined,
      nationality: ['NL', 'DE'],
      sex: 5,
      age_over: {},
    });
    expect(view.issuance_date).toBeInstanceOf(TDate);
  });

  it('early form, under the eudiw namespace: place of birth and nationality normalised', () => {
    const view = pidView(nameSpaces({ [PID_DOCTYPE_EUDIW]: early }));
    expect(view).toMatchObject({
      family_name: 'Mustermann',
      place_of_birth: { country: 'DE', region: undefined, locality: 'Berlin' },
      birth_place: 'Berlin',
      nationality: ['DE'],
      gender: 2,
      sex: undefined,
      age_over: { 18: true },
      age_in_years: 60,
    });
    expect(view.expiry_date).toBeInstanceOf(TDate);
  });
});
