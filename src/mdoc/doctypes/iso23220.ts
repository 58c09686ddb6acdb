/**
 * The ISO/IEC TS 23220-2 generic namespace `org.iso.23220.1`, shared by the PhotoID
 * (ISO/IEC TS 23220-4 Annex C, `photoid.ts`) and the Japanese My Number Card
 * (`jp-mnc.ts`).
 *
 * Element names changed between drafts and both are in use:
 * - WG4 N4583 (2024-08-14, "Photo ID v2") and Apple's iOS 26 PKIdentityPhotoIDDescriptor
 *   use `family_name_unicode`, `given_name_unicode`, `resident_address_unicode`,
 *   `resident_city_unicode`, `issuing_authority_unicode`;
 * - WG4 N4770 (2025-08-20) drops `_unicode` from the names, the address and the city but
 *   keeps `issuing_authority_unicode`; N4862 (2025-12-04) also has `issuing_authority`
 *   and adds `family_name_viz` / `given_name_viz`.
 * Sources: openwallet-foundation/multipaz `PhotoID.kt` (N4583 at 3b4e435f history,
 * N4862 at 122f59f2) and `PhotoIDLowerCase.kt` (N4770, a54b5713). This profile accepts
 * every spelling; mandatory names are expressed as "any of" groups.
 *
 * birth_date (23220-2 §6.3.1.1.3): a full-date, or when the date is partly unknown
 * ```cddl
 * birth_date = { "birth_date": full-date, ? "approximate_mask": tstr }  ; mask: 8 chars YYYYMMDD, "1" = masked
 * ```
 */

import { type CborValue, FullDate } from '../../cbor/index.js';
import type { ElementPattern, ElementSpec, ElementType, IntegerType, MapType, TextType } from './types.js';

/** The ISO/IEC 23220-2 generic namespace. */
export const ISO_23220_NAMESPACE = 'org.iso.23220.1';

/** @internal ISO 3166-1 alpha-2. */
export const ALPHA2: TextType = { kind: 'tstr', pattern: /^[A-Z]{2}$/ };
/** @internal ISO/IEC 5218 sex codes (0 not known, 1 male, 2 female, 9 not applicable). */
export const SEX_5218: IntegerType = { kind: 'uint', enum: [0, 1, 2, 9] };
/** @internal Latin-1 text as 18013-5 and 23220-2 `_latin1` fields. */
export const LATIN1: TextType = { kind: 'tstr', latin1: true };

/** The 23220-2 structured birth date (§6.3.1.1.3). */
export const BIRTH_DATE_23220_MAP: MapType = {
  kind: 'map',
  fields: {
    birth_date: { type: 'full-date', mandatory: true },
    approximate_mask: { type: { kind: 'tstr', pattern: /^[01]{8}$/ } },
  },
};

/** A 23220-2 birth_date: a plain full-date or the structured map (both are in use). */
export const BIRTH_DATE_23220: ElementType = { kind: 'oneOf', types: ['full-date', BIRTH_DATE_23220_MAP] };

/** @internal `age_over_NN` in `org.iso.23220.1`. */
export const AGE_OVER_23220: ElementPattern = {
  pattern: /^age_over_\d{2}$/,
  spec: { type: 'bool', description: 'Holder is at least NN years old (23220-2; NN = 00..99)' },
};

const t = (description: string): ElementSpec => ({ type: 'tstr', description });

/** @internal The 23220-2 elements, none marked mandatory (each doctype marks its own). */
export const ISO_23220_ELEMENTS: Readonly<Record<string, ElementSpec>> = {
  family_name_unicode: t('Family name, full Unicode (N4583 / Apple name; N4770 `family_name`)'),
  given_name_unicode: t('Given names, full Unicode (N4583 / Apple name; N4770 `given_name`)'),
  family_name: t('Family name (N4770+ name of `family_name_unicode`)'),
  given_name: t('Given names (N4770+ name of `given_name_unicode`)'),
  family_name_latin1: { type: LATIN1, description: 'Family name in Latin-1' },
  given_name_latin1: { type: LATIN1, description: 'Given names in Latin-1' },
  family_name_viz: t('Family name as printed in the ICAO 9303 visual inspection zone (N4862)'),
  given_name_viz: t('Given names as printed in the ICAO 9303 visual inspection zone (N4862)'),
  birth_date: {
    type: BIRTH_DATE_23220,
    description: 'Date of birth: full-date, or { birth_date, ? approximate_mask } when partly unknown (23220-2 §6.3.1.1.3)',
  },
  portrait: { type: 'bstr', description: 'Portrait of the holder (JPEG or JPEG 2000)' },
  issue_date: { type: 'full-date', description: 'Date of issue' },
  expiry_date: { type: 'full-date', description: 'Date of expiry' },
  issuing_authority_unicode: t('Issuing authority (N4583/N4770 name)'),
  issuing_authority: t('Issuing authority (N4862 name)'),
  issuing_country: { type: ALPHA2, description: 'Issuing country, ISO 3166-1 alpha-2' },
  document_number: t('Document number'),
  age_in_years: { type: 'uint', description: 'Age in years' },
  age_birth_year: { type: 'uint', description: 'Year of birth' },
  portrait_capture_date: {
    type: 'tdate-or-full-date',
    description: 'Date the portrait was taken',
    uncertain: 'multipaz PhotoID.kt uses full-date; accepted as full-date or tdate',
  },
  birthplace: t('Place of birth'),
  name_at_birth: t('Name at birth'),
  resident_address_unicode: t('Resident address (N4583 / Apple name; N4770 `resident_address`)'),
  resident_address: t('Resident address (N4770+ name)'),
  resident_city_unicode: t('Resident city (N4583 / Apple name; N4770 `resident_city`)'),
  resident_city: t('Resident city (N4770+ name)'),
  resident_city_latin1: { type: LATIN1, description: 'Resident city in Latin-1' },
  resident_postal_code: t('Resident postal code'),
  resident_country: { type: ALPHA2, description: 'Resident country, ISO 3166-1 alpha-2' },
  sex: { type: SEX_5218, description: 'Sex, ISO/IEC 5218 code' },
  nationality: { type: ALPHA2, description: 'Nationality, ISO 3166-1 alpha-2' },
  issuing_subdivision: t('Issuing subdivision, ISO 3166-2'),
};

/** @internal A copy of `specs` with the named elements marked mandatory. */
export function withMandatory(
  specs: Readonly<Record<string, ElementSpec>>,
  names: readonly string[],
): Record<string, ElementSpec> {
  const out: Record<string, ElementSpec> = { ...specs };
  for (const name of names) {
    const spec = out[name];
    if (spec === undefined) throw new Error(`internal: no element ${name}`);
    out[name] = { ...spec, mandatory: true };
  }
  return out;
}

/** A 23220-2 birth date read from either encoding. */
export interface BirthDate23220 {
  readonly birth_date: FullDate;
  /** 8 characters `YYYYMMDD`, `1` where the date part is unknown; absent when exact. */
  readonly approximate_mask: string | undefined;
}

/** @internal Read a 23220-2 birth_date value (already profile-checked) in either encoding. */
export function birthDate23220Of(value: CborValue | undefined): BirthDate23220 | undefined {
  if (value instanceof FullDate) return { birth_date: value, approximate_mask: undefined };
  if (value instanceof Map) {
    const date = value.get('birth_date');
    const mask = value.get('approximate_mask');
    if (date instanceof FullDate) return { birth_date: date, approximate_mask: typeof mask === 'string' ? mask : undefined };
  }
  return undefined;
}
