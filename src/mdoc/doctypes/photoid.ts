/**
 * The ISO/IEC TS 23220-4 Annex C PhotoID.
 *
 * - docType `org.iso.23220.photoid.1` (Apple iOS 26 PKIdentityPhotoIDDescriptor; WG4
 *   N4770/N4862 as implemented by multipaz), alias `org.iso.23220.photoID.1` (WG4 N4583,
 *   2024-08-14).
 * - Namespaces: `org.iso.23220.1` (23220-2 generic elements, see `iso23220.ts`), the
 *   PhotoID namespace in both spellings (Table C.2), the ICAO DTC namespace
 *   `org.iso.23220.dtc.1` (Table C.3: `dtc_*` names in N4583, plain `version`/`sod`/`dgN`
 *   in N4770) and `org.iso.23220.datagroups.1` (N4862's name for it).
 *
 * Sources: openwallet-foundation/multipaz `PhotoID.kt` (N4583 and N4862 versions) and
 * `PhotoIDLowerCase.kt` (N4770). Mandatory elements: those mandatory in all three drafts
 * (birth_date, portrait, issue_date, expiry_date, issuing_country), plus the family name,
 * given name and issuing authority under any of their spellings.
 */

import type { FullDate } from '../../cbor/index.js';
import {
  AGE_OVER_23220,
  ALPHA2,
  birthDate23220Of,
  ISO_23220_ELEMENTS,
  ISO_23220_NAMESPACE,
  withMandatory,
} from './iso23220.js';
import { builtinProfile } from './profile.js';
import type { DoctypeProfile, ElementSpec } from './types.js';
import { type AgeOverAttestations, ageOverOf, ElementReader, type NameSpacesInput } from './views.js';

/** The PhotoID docType (lower case, as Apple and WG4 N4770+ write it). */
export const PHOTOID_DOCTYPE = 'org.iso.23220.photoid.1';
/** The WG4 N4583 spelling of the PhotoID docType. */
export const PHOTOID_DOCTYPE_N4583 = 'org.iso.23220.photoID.1';
/** The PhotoID-specific namespace (lower case). */
export const PHOTOID_NAMESPACE = 'org.iso.23220.photoid.1';
/** The WG4 N4583 spelling of the PhotoID namespace. */
export const PHOTOID_NAMESPACE_N4583 = 'org.iso.23220.photoID.1';
/** The ICAO DTC namespace of N4583/N4770. */
export const DTC_NAMESPACE = 'org.iso.23220.dtc.1';
/** N4862's name for the data-group namespace. */
export const DATAGROUPS_NAMESPACE = 'org.iso.23220.datagroups.1';

const t = (description: string): ElementSpec => ({ type: 'tstr', description });

const PHOTOID_ELEMENTS: Record<string, ElementSpec> = {
  person_id: t('Person identifier of the PhotoID holder'),
  birth_country: { type: ALPHA2, description: 'Country of birth, ISO 3166-1 alpha-2' },
  birth_state: t('State, province, district or local area of birth'),
  birth_city: t('Municipality, city, town or village of birth'),
  administrative_number: t('Number assigned by the issuer for audit control or other purposes'),
  resident_street: t('Street of residence'),
  resident_house_number: t('House number of residence, with any affix or suffix'),
  travel_document_type: t('Type of the associated travel document (N4862)'),
  travel_document_number: t('Number of the associated travel document'),
  travel_document_mrz: t('MRZ text of the associated travel document (N4862)'),
  resident_state: t('State, province or district of residence'),
};

const DTC_ELEMENTS: Record<string, ElementSpec> = {
  dtc_version: t('Version of the DTC-VC definition (N4583 name)'),
  version: t('Version of the DTC-VC definition (N4770+ name)'),
  dtc_sod: { type: 'bstr', description: 'eMRTD Document Security Object (N4583 name)' },
  sod: { type: 'bstr', description: 'eMRTD Document Security Object (N4770+ name)' },
  dg_content_info: { type: 'bstr', description: 'DTCContentInfo (N4583)' },
};

const DATA_GROUP = {
  pattern: /^(dtc_)?dg([1-9]|1[0-6])$/,
  spec: { type: 'bstr', description: 'eMRTD data group 1..16 (dtc_dgN in N4583, dgN in N4770+)' },
} as const;

const ISO_ELEMENTS = withMandatory(ISO_23220_ELEMENTS, ['birth_date', 'portrait', 'issue_date', 'expiry_date', 'issuing_country']);

/** The built-in PhotoID profile. */
export const PHOTOID_PROFILE: DoctypeProfile = /*#__PURE__*/ builtinProfile({
  docType: PHOTOID_DOCTYPE,
  aliases: [PHOTOID_DOCTYPE_N4583],
  title: 'ISO/IEC TS 23220-4 PhotoID',
  namespaces: {
    [ISO_23220_NAMESPACE]: ISO_ELEMENTS,
    [PHOTOID_NAMESPACE]: PHOTOID_ELEMENTS,
    [DTC_NAMESPACE]: DTC_ELEMENTS,
  },
  namespaceAliases: { [PHOTOID_NAMESPACE_N4583]: PHOTOID_NAMESPACE, [DATAGROUPS_NAMESPACE]: DTC_NAMESPACE },
  optionalNamespaces: [PHOTOID_NAMESPACE, DTC_NAMESPACE],
  patterns: {
    [ISO_23220_NAMESPACE]: [AGE_OVER_23220],
    [DTC_NAMESPACE]: [DATA_GROUP],
  },
  mandatoryGroups: [
    { namespace: ISO_23220_NAMESPACE, anyOf: ['family_name_unicode', 'family_name'], description: 'family name' },
    { namespace: ISO_23220_NAMESPACE, anyOf: ['given_name_unicode', 'given_name'], description: 'given name' },
    {
      namespace: ISO_23220_NAMESPACE,
      anyOf: ['issuing_authority_unicode', 'issuing_authority'],
      description: 'issuing authority',
    },
  ],
});

/** A PhotoID, typed; renamed elements are merged (the `_unicode` name wins when both are present). */
export interface PhotoIdView {
  readonly family_name: string | undefined;
  readonly given_name: string | undefined;
  readonly family_name_latin1: string | undefined;
  readonly given_name_latin1: string | undefined;
  /** Date of birth from either encoding; see `birth_date_approximate_mask`. */
  readonly birth_date: FullDate | undefined;
  /** The 23220-2 approximate mask (`YYYYMMDD`, `1` = unknown), when the structured form carries one. */
  readonly birth_date_approximate_mask: string | undefined;
  readonly portrait: Uint8Array | undefined;
  readonly issue_date: FullDate | undefined;
  readonly expiry_date: FullDate | undefined;
  readonly issuing_authority: string | undefined;
  readonly issuing_country: string | undefined;
  readonly issuing_subdivision: string | undefined;
  readonly document_number: string | undefined;
  readonly age_in_years: number | undefined;
  readonly age_birth_year: number | undefined;
  readonly age_over: AgeOverAttestations;
  readonly birthplace: string | undefined;
  readonly name_at_birth: string | undefined;
  readonly resident_address: string | undefined;
  readonly resident_city: string | undefined;
  readonly resident_postal_code: string | undefined;
  readonly resident_country: string | undefined;
  readonly sex: number | undefined;
  readonly nationality: string | undefined;
  readonly person_id: string | undefined;
  readonly birth_country: string | undefined;
  readonly birth_state: string | undefined;
  readonly birth_city: string | undefined;
  readonly administrative_number: string | undefined;
  readonly resident_street: string | undefined;
  readonly resident_house_number: string | undefined;
  readonly resident_state: string | undefined;
  readonly travel_document_number: string | undefined;
}

/**
 * A typed, read-only view of a PhotoID (either docType spelling). Values that do not fit
 * their profile type are left out.
 */
export function photoIdView(nameSpaces: NameSpacesInput): PhotoIdView {
  const isoElements = nameSpaces.get(ISO_23220_NAMESPACE);
  const r = new ElementReader(isoElements, ISO_ELEMENTS);
  const p = new ElementReader(nameSpaces.get(PHOTOID_NAMESPACE) ?? nameSpaces.get(PHOTOID_NAMESPACE_N4583), PHOTOID_ELEMENTS);
  const birth = birthDate23220Of(r.value('birth_date'));
  return {
    family_name: r.text('family_name_unicode') ?? r.text('family_name'),
    given_name: r.text('given_name_unicode') ?? r.text('given_name'),
    family_name_latin1: r.text('family_name_latin1'),
    given_name_latin1: r.text('given_name_latin1'),
    birth_date: birth?.birth_date,
    birth_date_approximate_mask: birth?.approximate_mask,
    portrait: r.bytes('portrait'),
    issue_date: r.fullDate('issue_date'),
    expiry_date: r.fullDate('expiry_date'),
    issuing_authority: r.text('issuing_authority_unicode') ?? r.text('issuing_authority'),
    issuing_country: r.text('issuing_country'),
    issuing_subdivision: r.text('issuing_subdivision'),
    document_number: r.text('document_number'),
    age_in_years: r.int('age_in_years'),
    age_birth_year: r.int('age_birth_year'),
    age_over: ageOverOf(isoElements),
    birthplace: r.text('birthplace'),
    name_at_birth: r.text('name_at_birth'),
    resident_address: r.text('resident_address_unicode') ?? r.text('resident_address'),
    resident_city: r.text('resident_city_unicode') ?? r.text('resident_city'),
    resident_postal_code: r.text('resident_postal_code'),
    resident_country: r.text('resident_country'),
    sex: r.int('sex'),
    nationality: r.text('nationality'),
    person_id: p.text('person_id'),
    birth_country: p.text('birth_country'),
    birth_state: p.text('birth_state'),
    birth_city: p.text('birth_city'),
    administrative_number: p.text('administrative_number'),
    resident_street: p.text('resident_street'),
    resident_house_number: p.text('resident_house_number'),
    resident_state: p.text('resident_state'),
    travel_document_number: p.text('travel_document_number'),
  };
}
