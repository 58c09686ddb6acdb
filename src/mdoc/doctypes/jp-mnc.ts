/**
 * The Japanese My Number Card mdoc (カード代替電磁的記録, in Apple Wallet since
 * 2025-06-24): docType `org.iso.23220.1.jp.mnc`, issued under the J-LIS IACA
 * `mncmdocRootCA`.
 *
 * No public specification of the element table exists (Digital Agency's procedure
 * material is not public). The profile follows:
 * - Apple's `PKIdentityNationalIDCardDescriptor` element table (iOS 18+; JP namespace
 *   elements are returned when the API region is `JP`);
 * - openwallet-foundation/multipaz `MyNumberCard.kt` @7161b838 (PR #1276, checked
 *   against a card on an iPhone) for namespaces and types;
 * - naitaku/identity-credential `MynaCard.kt` @3715628f (earlier version of that PR).
 *
 * Namespaces: `org.iso.23220.1.jp` (seven Japan-specific elements) and the ISO/IEC
 * 23220-2 generic `org.iso.23220.1` (sex, birth_date, age_in_years, age_over_NN seen;
 * the rest of 23220-2 is typed in case it appears). birth_date is accepted as a plain
 * full-date (merged multipaz) or the 23220-2 map (earlier PR, PhotoID): which one J-LIS
 * issues is not published.
 *
 * Elements whose details are not confirmed carry an `uncertain` note; treat them as
 * observed at run time.
 */

import type { FullDate } from '../../cbor/index.js';
import { AGE_OVER_23220, birthDate23220Of, ISO_23220_ELEMENTS, ISO_23220_NAMESPACE } from './iso23220.js';
import { builtinProfile } from './profile.js';
import type { DoctypeProfile, ElementSpec } from './types.js';
import { type AgeOverAttestations, ageOverOf, ElementReader, type NameSpacesInput } from './views.js';

/** The My Number Card docType. */
export const MNC_DOCTYPE = 'org.iso.23220.1.jp.mnc';
/** The Japan-specific namespace. */
export const MNC_JP_NAMESPACE = 'org.iso.23220.1.jp';

const SOURCES = 'Apple PKIdentityNationalIDCardDescriptor; multipaz MyNumberCard.kt @7161b838';

const MNC_JP_ELEMENTS: Record<string, ElementSpec> = {
  full_name_unicode: {
    type: 'tstr',
    mandatory: true,
    description: '氏名: full name in one string (e.g. "番号　花子")',
    uncertain: `the family/given separator is not published (the full-width space is from made-up samples, ${SOURCES}); never split it`,
  },
  resident_address_unicode: {
    type: 'tstr',
    mandatory: true,
    description: '住所: address of residence (e.g. "〇〇県△△市□□町１−２−３")',
  },
  local_gov_code_unicode: {
    type: 'tstr',
    mandatory: true,
    description: '市町村コード: local government code (samples "14364", "12345")',
    uncertain: `digit count and check digit not published; samples are 5 digits (${SOURCES})`,
  },
  individual_number_unicode: {
    type: 'tstr',
    mandatory: true,
    description: '個人番号: the 12-digit Individual Number (My Number)',
    uncertain: `digit form (ASCII or full-width) not published; multipaz sample is 12 ASCII digits (${SOURCES})`,
  },
  portrait: {
    type: 'bstr',
    mandatory: true,
    description: '顔写真: face photo',
    uncertain: 'image codec (JPEG or JPEG 2000) not published; decode both',
  },
  sex_unicode: {
    type: 'tstr',
    mandatory: true,
    description: '性別: sex as text (e.g. "女")',
  },
  birth_date_unicode: {
    type: 'tstr',
    mandatory: true,
    description: '生年月日: date of birth as text',
    uncertain: `format (Gregorian or Japanese era) not published; multipaz samples use "1971年9月1日" (${SOURCES})`,
  },
};

const PRESENCE = 'which 23220-2 elements J-LIS issues is not published; not marked mandatory';

const MNC_ISO_ELEMENTS: Record<string, ElementSpec> = {
  ...ISO_23220_ELEMENTS,
  sex: { ...(ISO_23220_ELEMENTS.sex as ElementSpec), uncertain: PRESENCE },
  age_in_years: { ...(ISO_23220_ELEMENTS.age_in_years as ElementSpec), uncertain: PRESENCE },
  birth_date: {
    ...(ISO_23220_ELEMENTS.birth_date as ElementSpec),
    uncertain:
      'encoding not published: merged multipaz MyNumberCard.kt uses a plain full-date, the earlier naitaku MynaCard.kt ' +
      '@3715628f the 23220-2 map; both accepted',
  },
};

/** The built-in Japanese My Number Card profile. */
export const MNC_PROFILE: DoctypeProfile = /*#__PURE__*/ builtinProfile({
  docType: MNC_DOCTYPE,
  title: 'Japanese My Number Card (カード代替電磁的記録)',
  namespaces: { [MNC_JP_NAMESPACE]: MNC_JP_ELEMENTS, [ISO_23220_NAMESPACE]: MNC_ISO_ELEMENTS },
  patterns: {
    [ISO_23220_NAMESPACE]: [
      {
        pattern: AGE_OVER_23220.pattern,
        spec: {
          ...AGE_OVER_23220.spec,
          uncertain:
            'which NN J-LIS issues is not published (multipaz samples use age_over_20; Apple allows NN 1..125 only if issued)',
        },
      },
    ],
  },
});

/** A My Number Card mdoc, typed (wire names). */
export interface MyNumberCardView {
  readonly full_name_unicode: string | undefined;
  readonly resident_address_unicode: string | undefined;
  readonly local_gov_code_unicode: string | undefined;
  readonly individual_number_unicode: string | undefined;
  readonly portrait: Uint8Array | undefined;
  readonly sex_unicode: string | undefined;
  readonly birth_date_unicode: string | undefined;
  /** `org.iso.23220.1` sex, ISO/IEC 5218. */
  readonly sex: number | undefined;
  /** `org.iso.23220.1` birth_date from either encoding. */
  readonly birth_date: FullDate | undefined;
  /** The 23220-2 approximate mask, when the structured birth_date carries one. */
  readonly birth_date_approximate_mask: string | undefined;
  readonly age_in_years: number | undefined;
  readonly age_over: AgeOverAttestations;
}

/**
 * A typed, read-only view of a My Number Card mdoc. Values that do not fit their profile
 * type are left out.
 */
export function myNumberCardView(nameSpaces: NameSpacesInput): MyNumberCardView {
  const jp = new ElementReader(nameSpaces.get(MNC_JP_NAMESPACE), MNC_JP_ELEMENTS);
  const isoElements = nameSpaces.get(ISO_23220_NAMESPACE);
  const iso = new ElementReader(isoElements, MNC_ISO_ELEMENTS);
  const birth = birthDate23220Of(iso.value('birth_date'));
  return {
    full_name_unicode: jp.text('full_name_unicode'),
    resident_address_unicode: jp.text('resident_address_unicode'),
    local_gov_code_unicode: jp.text('local_gov_code_unicode'),
    individual_number_unicode: jp.text('individual_number_unicode'),
    portrait: jp.bytes('portrait'),
    sex_unicode: jp.text('sex_unicode'),
    birth_date_unicode: jp.text('birth_date_unicode'),
    sex: iso.int('sex'),
    birth_date: birth?.birth_date,
    birth_date_approximate_mask: birth?.approximate_mask,
    age_in_years: iso.int('age_in_years'),
    age_over: ageOverOf(isoElements),
  };
}
