/**
 * The EU Person Identification Data (PID): docType and namespace
 * `eu.europa.ec.eudi.pid.1`.
 *
 * Two element sets are in use and both are accepted:
 * - current: ARF Annex 3.01 PID Rulebook v1.4 (2025-11-20) §3.1, encoding CIR 2024/2977
 *   (`eu-digital-identity-wallet/eudi-doc-attestation-rulebooks-catalog`
 *   `rulebooks/pid/pid-rulebook.md`): `place_of_birth` map, `nationality` array, `sex`,
 *   `personal_administrative_number`, `email_address`, `mobile_phone_number` …;
 * - earlier: PID Rule Book v1.0.0 (Nov 2023, ARF `docs/annexes/annex-06-pid-rulebook.md`)
 *   and ARF 1.x implementations (multipaz `EUPersonalID.kt`): `birth_place` tstr,
 *   `birth_country`/`birth_state`/`birth_city`, a single `nationality` tstr, `gender`,
 *   `administrative_number`, `age_over_NN`, `age_in_years`, `age_birth_year`.
 * The earliest wallets used docType and namespace `eu.europa.ec.eudiw.pid.1` (with a
 * "w"; a-sit-plus/vck, google/mdl-ref-apps): an alias of this profile.
 *
 * ```cddl
 * place_of_birth = { ? "country": tstr, ? "region": tstr, ? "locality": tstr }  ; at least one
 * nationalities = [+ CountryCode]
 * ```
 *
 * Mandatory (rulebook v1.4 §2.2/§2.4): family_name, given_name, birth_date, place of
 * birth (either form), nationality, expiry_date, issuing_authority, issuing_country. All
 * tstr values are at most 150 characters (§3.1.1).
 */

import type { FullDate, TDate } from '../../cbor/index.js';
import { ALPHA2 } from './iso23220.js';
import { builtinProfile } from './profile.js';
import type { DoctypeProfile, ElementSpec, ElementType, MapType, TextType } from './types.js';
import { type AgeOverAttestations, ageOverOf, ElementReader, type NameSpacesInput } from './views.js';

/** The EU PID docType and namespace. */
export const PID_DOCTYPE = 'eu.europa.ec.eudi.pid.1';
/** The EU PID namespace (same value as the docType). */
export const PID_NAMESPACE = 'eu.europa.ec.eudi.pid.1';
/** The early "eudiw" docType and namespace. */
export const PID_DOCTYPE_EUDIW = 'eu.europa.ec.eudiw.pid.1';

const T150: TextType = { kind: 'tstr', maxLength: 150 };
const COUNTRY: TextType = { ...ALPHA2, maxLength: 150 };

/** The rulebook v1.4 `place_of_birth` structure. */
export const PLACE_OF_BIRTH: MapType = {
  kind: 'map',
  fields: { country: { type: ALPHA2 }, region: { type: T150 }, locality: { type: T150 } },
  anyOf: ['country', 'region', 'locality'],
};

/** nationality: `[+ alpha-2]` (v1.4) or a single alpha-2 tstr (v1.0). */
const NATIONALITY: ElementType = { kind: 'oneOf', types: [{ kind: 'array', of: ALPHA2, minItems: 1 }, ALPHA2] };

const M = (type: ElementType, description: string): ElementSpec => ({ type, mandatory: true, description });
const O = (type: ElementType, description: string): ElementSpec => ({ type, description });

const PID_ELEMENTS: Record<string, ElementSpec> = {
  family_name: M(T150, 'Current family name(s)'),
  given_name: M(T150, 'Current first name(s), including middle names'),
  birth_date: M('full-date', 'Date of birth'),
  place_of_birth: O(PLACE_OF_BIRTH, 'Place of birth { country, region, locality } (rulebook v1.4)'),
  birth_place: O(T150, 'Place of birth as text (v1.0 / ARF 1.x)'),
  birth_country: O(COUNTRY, 'Country of birth, alpha-2 (v1.0)'),
  birth_state: O(T150, 'State, province, district or local area of birth (v1.0)'),
  birth_city: O(T150, 'Municipality, city, town or village of birth (v1.0)'),
  nationality: M(NATIONALITY, 'Nationalities, alpha-2 ("QU" unknown, "QS" none); a single tstr in v1.0'),
  resident_address: O(T150, 'Full address of residence'),
  resident_country: O(COUNTRY, 'Country of residence, alpha-2'),
  resident_state: O(T150, 'State, province, district or local area of residence'),
  resident_city: O(T150, 'Municipality, city, town or village of residence'),
  resident_postal_code: O(T150, 'Postal code of residence'),
  resident_street: O(T150, 'Street of residence'),
  resident_house_number: O(T150, 'House number of residence, with any affix or suffix'),
  personal_administrative_number: O(T150, 'Personal administrative number (v1.4)'),
  administrative_number: O(T150, 'Number assigned by the PID provider for audit control (v1.0)'),
  portrait: O('bstr', 'Facial image (JPEG, ISO 19794-5 / ISO 39794)'),
  family_name_birth: O(T150, 'Family name(s) at birth'),
  given_name_birth: O(T150, 'First name(s) at birth'),
  sex: O(
    { kind: 'uint', enum: [0, 1, 2, 3, 4, 5, 6, 9] },
    'Sex: 0 not known, 1 male, 2 female, 3 other, 4 inter, 5 diverse, 6 open, 9 not applicable',
  ),
  gender: O({ kind: 'uint', enum: [0, 1, 2, 9] }, 'Gender, ISO/IEC 5218 (v1.0 name of sex)'),
  email_address: O(T150, 'E-mail address (RFC 5322)'),
  mobile_phone_number: O(T150, 'Mobile phone number, "+" and country code'),
  expiry_date: M('tdate-or-full-date', 'End of the administrative validity period'),
  issuance_date: O('tdate-or-full-date', 'Start of the administrative validity period (mandatory in v1.0)'),
  issuing_authority: M(T150, 'Issuing authority name, or the Member State alpha-2 code'),
  issuing_country: M(COUNTRY, 'Issuing country, alpha-2; must equal the DS certificate countryName'),
  document_number: O(T150, 'Number of the PID, assigned by the provider'),
  issuing_jurisdiction: O(T150, 'ISO 3166-2 subdivision code of the issuing jurisdiction'),
  trust_anchor: O(T150, 'URL of the trust anchor to verify the PID with'),
  attestation_legal_category: O(T150, 'Legal category of the attestation ("PID")'),
  age_in_years: O('uint', 'Age in years (v1.0 / ARF 1.x)'),
  age_birth_year: O('uint', 'Year of birth (v1.0 / ARF 1.x)'),
};

const AGE_OVER = {
  pattern: /^age_over_\d{2}$/,
  spec: O('bool', 'Holder is at least NN years old (v1.0 / ARF 1.x; removed in rulebook v1.1)'),
};

/** The built-in EU PID profile (current and earlier element sets; "eudiw" alias). */
export const PID_PROFILE: DoctypeProfile = /*#__PURE__*/ builtinProfile({
  docType: PID_DOCTYPE,
  aliases: [PID_DOCTYPE_EUDIW],
  title: 'EU Person Identification Data',
  namespaces: { [PID_NAMESPACE]: PID_ELEMENTS },
  namespaceAliases: { [PID_DOCTYPE_EUDIW]: PID_NAMESPACE },
  patterns: { [PID_NAMESPACE]: [AGE_OVER] },
  mandatoryGroups: [
    { namespace: PID_NAMESPACE, anyOf: ['place_of_birth', 'birth_place'], description: 'place of birth' },
  ],
});

/** The rulebook v1.4 place of birth. */
export interface PlaceOfBirth {
  readonly country: string | undefined;
  readonly region: string | undefined;
  readonly locality: string | undefined;
}

/** An EU PID, typed (wire names; both element sets). */
export interface PidView {
  readonly family_name: string | undefined;
  readonly given_name: string | undefined;
  readonly birth_date: FullDate | undefined;
  /** The v1.4 structure; for a v1.0 PID, built from birth_country/birth_state/birth_city when present. */
  readonly place_of_birth: PlaceOfBirth | undefined;
  /** The v1.0 text form. */
  readonly birth_place: string | undefined;
  /** Always an array: a v1.0 single nationality becomes a one-item array. */
  readonly nationality: readonly string[] | undefined;
  readonly resident_address: string | undefined;
  readonly resident_country: string | undefined;
  readonly resident_state: string | undefined;
  readonly resident_city: string | undefined;
  readonly resident_postal_code: string | undefined;
  readonly resident_street: string | undefined;
  readonly resident_house_number: string | undefined;
  readonly personal_administrative_number: string | undefined;
  readonly administrative_number: string | undefined;
  readonly portrait: Uint8Array | undefined;
  readonly family_name_birth: string | undefined;
  readonly given_name_birth: string | undefined;
  readonly sex: number | undefined;
  readonly gender: number | undefined;
  readonly email_address: string | undefined;
  readonly mobile_phone_number: string | undefined;
  readonly expiry_date: FullDate | TDate | undefined;
  readonly issuance_date: FullDate | TDate | undefined;
  readonly issuing_authority: string | undefined;
  readonly issuing_country: string | undefined;
  readonly document_number: string | undefined;
  readonly issuing_jurisdiction: string | undefined;
  readonly trust_anchor: string | undefined;
  readonly attestation_legal_category: string | undefined;
  readonly age_in_years: number | undefined;
  readonly age_birth_year: number | undefined;
  readonly age_over: AgeOverAttestations;
}

/**
 * A typed, read-only view of an EU PID (namespace `eu.europa.ec.eudi.pid.1`, or the early
 * `eu.europa.ec.eudiw.pid.1`). Values that do not fit their profile type are left out.
 */
export function pidView(nameSpaces: NameSpacesInput): PidView {
  const elements = nameSpaces.get(PID_NAMESPACE) ?? nameSpaces.get(PID_DOCTYPE_EUDIW);
  const r = new ElementReader(elements, PID_ELEMENTS);
  const pob = r.value('place_of_birth');
  let place: PlaceOfBirth | undefined;
  if (pob instanceof Map) {
    const get = (k: string) => {
      const v = pob.get(k);
      return typeof v === 'string' ? v : undefined;
    };
    place = { country: get('country'), region: get('region'), locality: get('locality') };
  } else {
    const country = r.text('birth_country');
    const region = r.text('birth_state');
    const locality = r.text('birth_city');
    if (country !== undefined || region !== undefined || locality !== undefined) place = { country, region, locality };
  }
  const single = r.text('nationality');
  return {
    family_name: r.text('family_name'),
    given_name: r.text('given_name'),
    birth_date: r.fullDate('birth_date'),
    place_of_birth: place,
    birth_place: r.text('birth_place'),
    nationality: single !== undefined ? [single] : r.texts('nationality'),
    resident_address: r.text('resident_address'),
    resident_country: r.text('resident_country'),
    resident_state: r.text('resident_state'),
    resident_city: r.text('resident_city'),
    resident_postal_code: r.text('resident_postal_code'),
    resident_street: r.text('resident_street'),
    resident_house_number: r.text('resident_house_number'),
    personal_administrative_number: r.text('personal_administrative_number'),
    administrative_number: r.text('administrative_number'),
    portrait: r.bytes('portrait'),
    family_name_birth: r.text('family_name_birth'),
    given_name_birth: r.text('given_name_birth'),
    sex: r.int('sex'),
    gender: r.int('gender'),
    email_address: r.text('email_address'),
    mobile_phone_number: r.text('mobile_phone_number'),
    expiry_date: r.date('expiry_date'),
    issuance_date: r.date('issuance_date'),
    issuing_authority: r.text('issuing_authority'),
    issuing_country: r.text('issuing_country'),
    document_number: r.text('document_number'),
    issuing_jurisdiction: r.text('issuing_jurisdiction'),
    trust_anchor: r.text('trust_anchor'),
    attestation_legal_category: r.text('attestation_legal_category'),
    age_in_years: r.int('age_in_years'),
    age_birth_year: r.int('age_birth_year'),
    age_over: ageOverOf(elements),
  };
}
