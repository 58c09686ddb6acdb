/**
 * The mobile driving licence: docType `org.iso.18013.5.1.mDL`, namespace
 * `org.iso.18013.5.1` (ISO/IEC 18013-5:2021 §7.2.1 Table 5; 2e Table 20 adds
 * `resident_street`), driving_privileges (2021 §7.2.4; 2e §13.4.5), age_over_NN (2021
 * §7.2.5), and the AAMVA namespace `org.iso.18013.5.1.aamva` (AAMVA mDL Implementation
 * Guidelines v1.2, as read from spruceid/isomdl `org_iso_18013_5_1_aamva/mod.rs`
 * @129c7f1d and openwallet-foundation/multipaz `DrivingLicense.kt` @2dd6d00a).
 *
 * ```cddl
 * DrivingPrivileges = [ * DrivingPrivilege ]
 * DrivingPrivilege = {
 *   "vehicle_category_code" : tstr,   ; ISO/IEC 18013-1 Annex B
 *   ? "issue_date" : full-date,
 *   ? "expiry_date" : full-date,
 *   ? "codes" : [+ Code],
 *   * tstr => RFU
 * }
 * Code = { "code" : tstr, ? "sign" : tstr, ? "value" : tstr, * tstr => RFU }   ; ISO/IEC 18013-2 Annex A
 * ```
 *
 * The AAMVA namespace is optional: its mandatory elements apply only when a document has it.
 *
 * Leniency: some issuers write the driving privilege dates as tdate; the profile accepts
 * full-date or tdate there. Latin-1 and 150-character limits follow isomdl's `Latin1`.
 */

import type { CborValue, FullDate, TDate } from '../../cbor/index.js';
import { ALPHA2, SEX_5218 } from './iso23220.js';
import { builtinProfile } from './profile.js';
import type { ArrayType, DoctypeProfile, ElementSpec, MapType, TextType } from './types.js';
import {
  type AgeOverAttestations,
  ageOverOf,
  dateField,
  ElementReader,
  type NameSpacesInput,
  textField,
} from './views.js';

/** The mDL docType. */
export const MDL_DOCTYPE = 'org.iso.18013.5.1.mDL';
/** The mDL namespace. */
export const MDL_NAMESPACE = 'org.iso.18013.5.1';
/** The AAMVA (US/Canada) domestic namespace. */
export const AAMVA_NAMESPACE = 'org.iso.18013.5.1.aamva';

const LATIN1_150: TextType = { kind: 'tstr', latin1: true, maxLength: 150 };

/** The `Code` of a driving privilege (18013-2 Annex A restriction/condition code). */
export const DRIVING_PRIVILEGE_CODE: MapType = {
  kind: 'map',
  fields: { code: { type: 'tstr', mandatory: true }, sign: { type: 'tstr' }, value: { type: 'tstr' } },
  extra: true,
};

/** One `DrivingPrivilege` (dates accepted as full-date or tdate). */
export const DRIVING_PRIVILEGE: MapType = {
  kind: 'map',
  fields: {
    vehicle_category_code: { type: 'tstr', mandatory: true },
    issue_date: { type: 'tdate-or-full-date' },
    expiry_date: { type: 'tdate-or-full-date' },
    codes: { type: { kind: 'array', of: DRIVING_PRIVILEGE_CODE, minItems: 1 } },
  },
  extra: true,
};

/** `DrivingPrivileges = [* DrivingPrivilege]` (may be empty). */
export const DRIVING_PRIVILEGES: ArrayType = { kind: 'array', of: DRIVING_PRIVILEGE };

const EYE_COLOURS = ['black', 'blue', 'brown', 'dichromatic', 'grey', 'green', 'hazel', 'maroon', 'pink', 'unknown'];
const HAIR_COLOURS = ['bald', 'black', 'blond', 'brown', 'grey', 'red', 'auburn', 'sandy', 'white', 'unknown'];

const M = (type: ElementSpec['type'], description: string): ElementSpec => ({ type, mandatory: true, description });
const O = (type: ElementSpec['type'], description: string): ElementSpec => ({ type, description });

const MDL_ELEMENTS: Record<string, ElementSpec> = {
  family_name: M(LATIN1_150, 'Last name, surname or primary identifier'),
  given_name: M(LATIN1_150, 'First name(s), other name(s) or secondary identifier'),
  birth_date: M('full-date', 'Day, month and year of birth'),
  issue_date: M('tdate-or-full-date', 'Date the document was issued'),
  expiry_date: M('tdate-or-full-date', 'Date the document expires'),
  issuing_country: M(ALPHA2, 'ISO 3166-1 alpha-2 code of the issuing country; must equal the DS certificate countryName'),
  issuing_authority: M(LATIN1_150, 'Issuing authority name'),
  document_number: M(LATIN1_150, 'Licence number'),
  portrait: M('bstr', 'Portrait (JPEG or JPEG 2000, 18013-2 Annex D)'),
  driving_privileges: M(DRIVING_PRIVILEGES, 'Driving privileges (18013-5 §7.2.4)'),
  un_distinguishing_sign: M('tstr', 'UN distinguishing sign of the issuing country (18013-1 Annex F)'),
  administrative_number: O(LATIN1_150, 'Number assigned by the issuing authority for audit or other purposes'),
  sex: O(SEX_5218, 'Sex, ISO/IEC 5218 (2e: 9 = not specified)'),
  height: O('uint', 'Height in cm'),
  weight: O('uint', 'Weight in kg'),
  eye_colour: O({ kind: 'tstr', enum: EYE_COLOURS }, 'Eye colour'),
  hair_colour: O({ kind: 'tstr', enum: HAIR_COLOURS }, 'Hair colour'),
  birth_place: O(LATIN1_150, 'Place of birth'),
  resident_address: O(LATIN1_150, 'Permanent residence address'),
  portrait_capture_date: O('tdate', 'Date and time the portrait was taken'),
  age_in_years: O('uint', 'Age in years'),
  age_birth_year: O('uint', 'Year of birth'),
  issuing_jurisdiction: O(
    { kind: 'tstr', pattern: /^[A-Z]{2}-[A-Z0-9]{1,3}$/ },
    'ISO 3166-2 subdivision code; must equal the DS certificate stateOrProvinceName when present',
  ),
  nationality: O(ALPHA2, 'Nationality, ISO 3166-1 alpha-2'),
  resident_street: O(LATIN1_150, 'Street of residence (new in 18013-5 2e)'),
  resident_city: O(LATIN1_150, 'City of residence'),
  resident_state: O(LATIN1_150, 'State, province or district of residence'),
  resident_postal_code: O(LATIN1_150, 'Postal code of residence'),
  resident_country: O(ALPHA2, 'Country of residence, ISO 3166-1 alpha-2'),
  family_name_national_character: O('tstr', 'Family name in national characters (full UTF-8)'),
  given_name_national_character: O('tstr', 'Given name in national characters (full UTF-8)'),
  signature_usual_mark: O('bstr', 'Image of the signature or usual mark'),
};

const BIOMETRIC_TEMPLATE = /^biometric_template_([a-z0-9_]+)$/;

const AAMVA_PRESENT: ElementSpec['type'] = { kind: 'uint', enum: [1] };
const NAME_SUFFIXES = [
  'JR', 'SR', '1ST', 'I', '2ND', 'II', '3RD', 'III', '4TH', 'IV', '5TH', 'V', '6TH', 'VI', '7TH', 'VII', '8TH', 'VIII', '9TH', 'IX',
];
const TRUNCATION: TextType = { kind: 'tstr', enum: ['T', 'N', 'U'] };

/** AAMVA `domestic_driving_privileges` item (isomdl `DomesticDrivingPrivilege`). */
export const DOMESTIC_DRIVING_PRIVILEGE: MapType = {
  kind: 'map',
  fields: {
    domestic_vehicle_class: {
      type: {
        kind: 'map',
        fields: {
          domestic_vehicle_class_code: { type: 'tstr', mandatory: true },
          domestic_vehicle_class_description: { type: 'tstr', mandatory: true },
          issue_date: { type: 'tdate-or-full-date' },
          expiry_date: { type: 'tdate-or-full-date' },
        },
        extra: true,
      },
    },
    domestic_vehicle_restrictions: {
      type: {
        kind: 'array',
        minItems: 1,
        of: {
          kind: 'map',
          fields: {
            domestic_vehicle_restriction_code: { type: 'tstr' },
            domestic_vehicle_restriction_description: { type: 'tstr', mandatory: true },
          },
          extra: true,
        },
      },
    },
    domestic_vehicle_endorsements: {
      type: {
        kind: 'array',
        minItems: 1,
        of: {
          kind: 'map',
          fields: {
            domestic_vehicle_endorsement_code: { type: 'tstr' },
            domestic_vehicle_endorsement_description: { type: 'tstr', mandatory: true },
          },
          extra: true,
        },
      },
    },
  },
  extra: true,
};

const AAMVA_ELEMENTS: Record<string, ElementSpec> = {
  domestic_driving_privileges: M(
    { kind: 'array', of: DOMESTIC_DRIVING_PRIVILEGE },
    'US/Canada vehicle classes, restrictions and endorsements (Apple advises it over driving_privileges for US licences)',
  ),
  name_suffix: O({ kind: 'tstr', enum: NAME_SUFFIXES }, 'Name suffix'),
  organ_donor: O(AAMVA_PRESENT, 'Organ donor (1 when donor)'),
  veteran: O(AAMVA_PRESENT, 'Veteran (1 when veteran)'),
  family_name_truncation: M(TRUNCATION, 'Family name truncated: T, N or U'),
  given_name_truncation: M(TRUNCATION, 'Given name truncated: T, N or U'),
  'aka_family_name.v2': O(LATIN1_150, 'Alias family name'),
  'aka_given_name.v2': O(LATIN1_150, 'Alias given name'),
  aka_family_name: O('tstr', 'Alias family name (pre-v1.2 identifier)'),
  aka_given_name: O('tstr', 'Alias given name (pre-v1.2 identifier)'),
  aka_suffix: O({ kind: 'tstr', enum: NAME_SUFFIXES }, 'Alias name suffix'),
  weight_range: O({ kind: 'uint', min: 0, max: 9 }, 'Weight range code 0..9'),
  race_ethnicity: O({ kind: 'tstr', enum: ['AI', 'AP', 'BK', 'H', 'O', 'U', 'W'] }, 'Race or ethnicity code'),
  sex: M(SEX_5218, 'Sex, ISO/IEC 5218'),
  DHS_compliance: {
    type: { kind: 'tstr', enum: ['F', 'N'] },
    description: 'REAL ID compliance: F (fully compliant) or N (non-compliant)',
    uncertain: 'mandatory in isomdl OrgIso1801351Aamva, optional in multipaz DrivingLicense.kt; not marked mandatory here',
  },
  DHS_compliance_text: O('tstr', 'Compliance text'),
  DHS_temporary_lawful_status: O(AAMVA_PRESENT, 'Temporary lawful status (1)'),
  EDL_credential: O({ kind: 'uint', enum: [1, 2] }, 'Enhanced credential: 1 driver licence, 2 identification card'),
  resident_county: O({ kind: 'tstr', pattern: /^\d{3}$/ }, '3-digit county code of residence'),
  hazmat_endorsement_expiration_date: O('full-date', 'Expiry of the hazardous-materials endorsement'),
  CDL_indicator: O('uint', 'Commercial driver licence indicator'),
  audit_information: O('tstr', 'When, where and by whom the credential was provisioned'),
  aamva_version: {
    type: 'uint',
    description: 'Version of the AAMVA mDL data element set',
    uncertain: 'mandatory in multipaz DrivingLicense.kt, absent from isomdl; not marked mandatory here',
  },
};

/** The built-in mDL profile (mDL and AAMVA namespaces). */
export const MDL_PROFILE: DoctypeProfile = /*#__PURE__*/ builtinProfile({
  docType: MDL_DOCTYPE,
  title: 'ISO/IEC 18013-5 mobile driving licence',
  namespaces: { [MDL_NAMESPACE]: MDL_ELEMENTS, [AAMVA_NAMESPACE]: AAMVA_ELEMENTS },
  optionalNamespaces: [AAMVA_NAMESPACE],
  patterns: {
    [MDL_NAMESPACE]: [
      { pattern: /^age_over_\d{2}$/, spec: O('bool', 'Holder is at least NN years old (18013-5 §7.2.5; NN = 00..99)') },
      {
        pattern: BIOMETRIC_TEMPLATE,
        spec: O('bstr', 'Biometric template; xx names the modality (face, finger, signature_sign, iris …)'),
      },
    ],
  },
});

/** A driving privilege code (CDDL `Code`). */
export interface DrivingPrivilegeCode {
  readonly code: string;
  readonly sign: string | undefined;
  readonly value: string | undefined;
}

/** A driving privilege (CDDL `DrivingPrivilege`); dates as issued (full-date, or tdate from lenient issuers). */
export interface DrivingPrivilege {
  readonly vehicle_category_code: string;
  readonly issue_date: FullDate | TDate | undefined;
  readonly expiry_date: FullDate | TDate | undefined;
  readonly codes: readonly DrivingPrivilegeCode[] | undefined;
}

/** The AAMVA namespace, typed. */
export interface AamvaView {
  /** Raw (profile-checked) domestic driving privileges; the structure is issuer specific. */
  readonly domestic_driving_privileges: readonly CborValue[] | undefined;
  readonly name_suffix: string | undefined;
  readonly organ_donor: number | undefined;
  readonly veteran: number | undefined;
  readonly family_name_truncation: string | undefined;
  readonly given_name_truncation: string | undefined;
  readonly aka_family_name: string | undefined;
  readonly aka_given_name: string | undefined;
  readonly aka_suffix: string | undefined;
  readonly weight_range: number | undefined;
  readonly race_ethnicity: string | undefined;
  readonly sex: number | undefined;
  readonly DHS_compliance: string | undefined;
  readonly DHS_compliance_text: string | undefined;
  readonly DHS_temporary_lawful_status: number | undefined;
  readonly EDL_credential: number | undefined;
  readonly resident_county: string | undefined;
  readonly hazmat_endorsement_expiration_date: FullDate | undefined;
  readonly CDL_indicator: number | undefined;
  readonly aamva_version: number | undefined;
}

/** The mDL namespace, typed (wire names), plus the AAMVA namespace when present. */
export interface MdlView {
  readonly family_name: string | undefined;
  readonly given_name: string | undefined;
  readonly birth_date: FullDate | undefined;
  readonly issue_date: FullDate | TDate | undefined;
  readonly expiry_date: FullDate | TDate | undefined;
  readonly issuing_country: string | undefined;
  readonly issuing_authority: string | undefined;
  readonly document_number: string | undefined;
  readonly portrait: Uint8Array | undefined;
  readonly driving_privileges: readonly DrivingPrivilege[] | undefined;
  readonly un_distinguishing_sign: string | undefined;
  readonly administrative_number: string | undefined;
  readonly sex: number | undefined;
  readonly height: number | undefined;
  readonly weight: number | undefined;
  readonly eye_colour: string | undefined;
  readonly hair_colour: string | undefined;
  readonly birth_place: string | undefined;
  readonly resident_address: string | undefined;
  readonly portrait_capture_date: TDate | undefined;
  readonly age_in_years: number | undefined;
  readonly age_birth_year: number | undefined;
  readonly issuing_jurisdiction: string | undefined;
  readonly nationality: string | undefined;
  readonly resident_street: string | undefined;
  readonly resident_city: string | undefined;
  readonly resident_state: string | undefined;
  readonly resident_postal_code: string | undefined;
  readonly resident_country: string | undefined;
  readonly family_name_national_character: string | undefined;
  readonly given_name_national_character: string | undefined;
  readonly signature_usual_mark: Uint8Array | undefined;
  /** `age_over_NN` by NN; use `answerAgeOver` for the 18013-5 §7.2.5 nearest-match answer. */
  readonly age_over: AgeOverAttestations;
  /** `biometric_template_xx` by xx. */
  readonly biometric_template: Readonly<Record<string, Uint8Array>>;
  /** The AAMVA namespace, when the document has it. */
  readonly aamva: AamvaView | undefined;
}

function drivingPrivilegesOf(value: CborValue | undefined): readonly DrivingPrivilege[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return (value as readonly CborValue[]).map((item) => {
    const m = item as ReadonlyMap<CborValue, CborValue>;
    const codes = m.get('codes');
    return {
      vehicle_category_code: textField(m, 'vehicle_category_code') ?? '',
      issue_date: dateField(m, 'issue_date'),
      expiry_date: dateField(m, 'expiry_date'),
      codes: Array.isArray(codes)
        ? (codes as readonly CborValue[]).map((c) => {
            const cm = c as ReadonlyMap<CborValue, CborValue>;
            return { code: textField(cm, 'code') ?? '', sign: textField(cm, 'sign'), value: textField(cm, 'value') };
          })
        : undefined,
    };
  });
}

function aamvaViewOf(elements: ReadonlyMap<string, CborValue>): AamvaView {
  const r = new ElementReader(elements, AAMVA_ELEMENTS);
  const ddp = r.value('domestic_driving_privileges');
  return {
    domestic_driving_privileges: Array.isArray(ddp) ? (ddp as readonly CborValue[]) : undefined,
    name_suffix: r.text('name_suffix'),
    organ_donor: r.int('organ_donor'),
    veteran: r.int('veteran'),
    family_name_truncation: r.text('family_name_truncation'),
    given_name_truncation: r.text('given_name_truncation'),
    aka_family_name: r.text('aka_family_name.v2') ?? r.text('aka_family_name'),
    aka_given_name: r.text('aka_given_name.v2') ?? r.text('aka_given_name'),
    aka_suffix: r.text('aka_suffix'),
    weight_range: r.int('weight_range'),
    race_ethnicity: r.text('race_ethnicity'),
    sex: r.int('sex'),
    DHS_compliance: r.text('DHS_compliance'),
    DHS_compliance_text: r.text('DHS_compliance_text'),
    DHS_temporary_lawful_status: r.int('DHS_temporary_lawful_status'),
    EDL_credential: r.int('EDL_credential'),
    resident_county: r.text('resident_county'),
    hazmat_endorsement_expiration_date: r.fullDate('hazmat_endorsement_expiration_date'),
    CDL_indicator: r.int('CDL_indicator'),
    aamva_version: r.int('aamva_version'),
  };
}

/**
 * A typed, read-only view of an mDL's data elements. Values that do not fit their
 * profile type are left out (`checkDocumentProfile` reports them).
 *
 * @example
 * ```ts
 * const mdl = mdlView(nameSpaces)
 * if (answerAgeOver(mdl.age_over, 18) === true) …
 * ```
 */
export function mdlView(nameSpaces: NameSpacesInput): MdlView {
  const elements = nameSpaces.get(MDL_NAMESPACE);
  const r = new ElementReader(elements, MDL_ELEMENTS);
  const biometric: Record<string, Uint8Array> = {};
  for (const [name, value] of elements ?? []) {
    const m = BIOMETRIC_TEMPLATE.exec(name);
    if (m !== null && value instanceof Uint8Array) biometric[m[1]!] = value;
  }
  const aamva = nameSpaces.get(AAMVA_NAMESPACE);
  return {
    family_name: r.text('family_name'),
    given_name: r.text('given_name'),
    birth_date: r.fullDate('birth_date'),
    issue_date: r.date('issue_date'),
    expiry_date: r.date('expiry_date'),
    issuing_country: r.text('issuing_country'),
    issuing_authority: r.text('issuing_authority'),
    document_number: r.text('document_number'),
    portrait: r.bytes('portrait'),
    driving_privileges: drivingPrivilegesOf(r.value('driving_privileges')),
    un_distinguishing_sign: r.text('un_distinguishing_sign'),
    administrative_number: r.text('administrative_number'),
    sex: r.int('sex'),
    height: r.int('height'),
    weight: r.int('weight'),
    eye_colour: r.text('eye_colour'),
    hair_colour: r.text('hair_colour'),
    birth_place: r.text('birth_place'),
    resident_address: r.text('resident_address'),
    portrait_capture_date: r.tdate('portrait_capture_date'),
    age_in_years: r.int('age_in_years'),
    age_birth_year: r.int('age_birth_year'),
    issuing_jurisdiction: r.text('issuing_jurisdiction'),
    nationality: r.text('nationality'),
    resident_street: r.text('resident_street'),
    resident_city: r.text('resident_city'),
    resident_state: r.text('resident_state'),
    resident_postal_code: r.text('resident_postal_code'),
    resident_country: r.text('resident_country'),
    family_name_national_character: r.text('family_name_national_character'),
    given_name_national_character: r.text('given_name_national_character'),
    signature_usual_mark: r.bytes('signature_usual_mark'),
    age_over: ageOverOf(elements),
    biometric_template: biometric,
    aamva: aamva === undefined ? undefined : aamvaViewOf(aamva),
  };
}
