import { describe, expect, it } from 'vitest';
import { type CborValue, FullDate } from '../../../src/cbor/index.js';
import {
  checkDocumentProfile,
  defaultRegistry,
  findElementSpec,
  ISO_23220_NAMESPACE,
  MNC_DOCTYPE,
  MNC_JP_NAMESPACE,
  MNC_PROFILE,
  myNumberCardView,
} from '../../../src/mdoc/doctypes/index.js';
import { cmap, nameSpaces, PORTRAIT } from './helpers.js';

const registry = defaultRegistry();

/** Values shaped like multipaz MyNumberCard.kt's samples. */
const jp: Record<string, CborValue> = {
  full_name_unicode: '番号　花子',
  resident_address_unicode: '〇〇県△△市□□町１−２−３',
  local_gov_code_unicode: '14364',
  individual_number_unicode: '123456789012',
  portrait: PORTRAIT,
  sex_unicode: '女',
  birth_date_unicode: '1971年9月1日',
};

describe('My Number Card profile', () => {
  it.each<[string, CborValue]>([
    ['full-date', new FullDate('1971-09-01')],
    ['23220-2 map', cmap({ birth_date: new FullDate('1971-09-01') })],
    ['23220-2 map with mask', cmap({ birth_date: new FullDate('1971-09-01'), approximate_mask: '00000011' })],
  ])('birth_date as %s passes with the JP elements', (_, birthDate) => {
    const data = nameSpaces({
      [MNC_JP_NAMESPACE]: jp,
      [ISO_23220_NAMESPACE]: { sex: 2, birth_date: birthDate, age_in_years: 53, age_over_20: true, age_over_18: true },
    });
    const checks = checkDocumentProfile(registry, MNC_DOCTYPE, data, { requireMandatory: true });
    expect(checks.filter((c) => c.status !== 'passed' || c.id === 'PROFILE_UNKNOWN_ELEMENT')).toEqual([]);
    const view = myNumberCardView(data);
    expect(view.birth_date?.text).toBe('1971-09-01');
  });

  it.each<[string, string, CborValue]>([
    [MNC_JP_NAMESPACE, 'full_name_unicode', Uint8Array.of(1)],
    [MNC_JP_NAMESPACE, 'individual_number_unicode', 123456789012],
    [MNC_JP_NAMESPACE, 'portrait', 'jpeg'],
    [ISO_23220_NAMESPACE, 'birth_date', '1971-09-01'],
    [ISO_23220_NAMESPACE, 'birth_date', cmap({ date: new FullDate('1971-09-01') })],
    [ISO_23220_NAMESPACE, 'sex', '女'],
    [ISO_23220_NAMESPACE, 'age_over_20', 'true'],
  ])('%s %s = %o fails', (ns, element, value) => {
    const [check] = checkDocumentProfile(registry, MNC_DOCTYPE, nameSpaces({ [ns]: { [element]: value } }));
    expect(check).toMatchObject({ id: 'PROFILE_ELEMENT_TYPE', namespace: ns, element, status: 'failed' });
  });

  it('mandatory: the seven JP elements; the ISO ones are not required', () => {
    const failed = checkDocumentProfile(registry, MNC_DOCTYPE, nameSpaces({ [MNC_JP_NAMESPACE]: { full_name_unicode: 'x' } }), {
      requireMandatory: true,
    })
      .filter((c) => c.status === 'failed')
      .map((c) => c.element);
    expect(failed).toEqual([
      'resident_address_unicode',
      'local_gov_code_unicode',
      'individual_number_unicode',
      'portrait',
      'sex_unicode',
      'birth_date_unicode',
    ]);
  });

  it('marks the unconfirmed elements as uncertain', () => {
    const uncertain = (ns: string, el: string) => findElementSpec(MNC_PROFILE, ns, el)?.uncertain;
    expect(uncertain(MNC_JP_NAMESPACE, 'birth_date_unicode')).toMatch(/format/);
    expect(uncertain(MNC_JP_NAMESPACE, 'local_gov_code_unicode')).toMatch(/digit/);
    expect(uncertain(MNC_JP_NAMESPACE, 'portrait')).toMatch(/codec/);
    expect(uncertain(ISO_23220_NAMESPACE, 'birth_date')).toMatch(/encoding/);
    expect(uncertain(ISO_23220_NAMESPACE, 'age_over_20')).toMatch(/NN/);
    expect(uncertain(MNC_JP_NAMESPACE, 'full_name_unicode')).toMatch(/separator/);
    expect(uncertain(MNC_JP_NAMESPACE, 'resident_address_unicode')).toBeUndefined();
  });
});

describe('myNumberCardView', () => {
  it('types the JP and ISO elements', () => {
    const view = myNumberCardView(
      nameSpaces({
        [MNC_JP_NAMESPACE]: jp,
        [ISO_23220_NAMESPACE]: {
          sex: 2,
          birth_date: cmap({ birth_date: new FullDate('1971-09-01'), approximate_mask: '00000011' }),
          age_over_20: true,
        },
      }),
    );
    expect(view).toMatchObject({
      full_name_unicode: '番号　花子',
      individual_number_unicode: '123456789012',
      local_gov_code_unicode: '14364',
      sex_unicode: '女',
      birth_date_unicode: '1971年9月1日',
      sex: 2,
      birth_date_approximate_mask: '00000011',
      age_in_years: undefined,
      age_over: { 20: true },
    });
    expect(view.portrait).toEqual(PORTRAIT);
  });

  it('an empty document gives an empty view', () => {
    const view = myNumberCardView(new Map());
    expect(view.full_name_unicode).toBeUndefined();
    expect(view.birth_date).toBeUndefined();
    expect(view.age_over).toEqual({});
  });
});
