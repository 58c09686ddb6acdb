/**
 * Doctype profiles for mdoc data elements: the mDL (ISO/IEC 18013-5 §7.2, with the AAMVA
 * namespace), the ISO/IEC TS 23220-4 PhotoID, the EU PID and the Japanese My Number
 * Card; a registry for user-defined doctypes; profile checks; JSON conversion; typed
 * views.
 */

export {
  type CheckDocumentProfileOptions,
  canonicalNamespace,
  checkDocumentProfile,
  checkElement,
  describeElementType,
  describeValue,
  type ElementCheckResult,
  findElementSpec,
  type ProfileCheck,
  ProfileCheckId,
} from './check.js';
export {
  PID_DOCTYPE,
  PID_DOCTYPE_EUDIW,
  PID_NAMESPACE,
  PID_PROFILE,
  PLACE_OF_BIRTH,
  type PidView,
  type PlaceOfBirth,
  pidView,
} from './eupid.js';
export { BIRTH_DATE_23220, type BirthDate23220, ISO_23220_NAMESPACE } from './iso23220.js';
export { MNC_DOCTYPE, MNC_JP_NAMESPACE, MNC_PROFILE, type MyNumberCardView, myNumberCardView } from './jp-mnc.js';
export {
  type JsonToNameSpacesOptions,
  type JsonValue,
  cborToJson,
  jsonToNameSpaces,
  nameSpacesToJson,
} from './json.js';
export {
  AAMVA_NAMESPACE,
  type AamvaView,
  DRIVING_PRIVILEGE,
  DRIVING_PRIVILEGE_CODE,
  DRIVING_PRIVILEGES,
  type DrivingPrivilege,
  type DrivingPrivilegeCode,
  MDL_DOCTYPE,
  MDL_NAMESPACE,
  MDL_PROFILE,
  type MdlView,
  mdlView,
} from './mdl.js';
export {
  DATAGROUPS_NAMESPACE,
  DTC_NAMESPACE,
  PHOTOID_DOCTYPE,
  PHOTOID_DOCTYPE_N4583,
  PHOTOID_NAMESPACE,
  PHOTOID_NAMESPACE_N4583,
  PHOTOID_PROFILE,
  type PhotoIdView,
  photoIdView,
} from './photoid.js';
export { assertDoctypeProfile, defineProfile } from './profile.js';
export { BUILTIN_PROFILES, defaultRegistry } from './builtins.js';
export { DoctypeRegistry, type RegisterOptions } from './registry.js';
export type {
  ArrayType,
  DoctypeProfile,
  ElementPattern,
  ElementSpec,
  ElementType,
  FieldSpec,
  IntegerType,
  MandatoryGroup,
  MapType,
  OneOfType,
  ScalarTypeName,
  TextType,
} from './types.js';
export { type AgeOverAttestations, answerAgeOver, type NameSpacesInput } from './views.js';
