/**
 * Doctype profiles: the data elements a document type defines, with their CBOR types.
 *
 * ISO/IEC 18013-5:2021 §7.2.1 (Table 5) and §8.3.2.1.2.2 describe data elements as
 * `NameSpace => { DataElementIdentifier => DataElementValue }`; each doctype standard
 * (18013-5 mDL, ISO/IEC 23220-2/-4, the EU PID rulebook, the Japanese My Number Card)
 * fixes the identifiers and the CDDL type of each value. A {@link DoctypeProfile}
 * records that as data, so one checker (`check.ts`) and one JSON converter (`json.ts`)
 * serve every doctype, built-in or registered by the user.
 *
 * ```cddl
 * full-date = #6.1004(tstr)   ; RFC 8943
 * tdate     = #6.0(tstr)      ; RFC 3339 date-time
 * ```
 */

/** The scalar CDDL types an element value can have, by name. */
export type ScalarTypeName =
  | 'tstr'
  | 'uint'
  | 'int'
  | 'bool'
  | 'bstr'
  | 'full-date'
  | 'tdate'
  | 'tdate-or-full-date'
  | 'number';

/** A text string with constraints. */
export interface TextType {
  readonly kind: 'tstr';
  /** Most characters (Unicode code points) allowed. */
  readonly maxLength?: number;
  /** A pattern the whole text must match (write it anchored, without the `g` flag). */
  readonly pattern?: RegExp;
  /** The only values allowed. */
  readonly enum?: readonly string[];
  /** Only ISO/IEC 8859-1 characters (U+0020..U+007E, U+00A0..U+00FF), as 18013-5 "Latin1b" fields. */
  readonly latin1?: true;
}

/** An integer with constraints: `uint` (major type 0) or `int` (major type 0 or 1). */
export interface IntegerType {
  readonly kind: 'uint' | 'int';
  /** Smallest value allowed. */
  readonly min?: number;
  /** Largest value allowed. */
  readonly max?: number;
  /** The only values allowed. */
  readonly enum?: readonly number[];
}

/** An array whose items all have one type (`[* T]`, or `[+ T]` with `minItems: 1`). */
export interface ArrayType {
  readonly kind: 'array';
  readonly of: ElementType;
  /** Fewest items allowed (1 for CDDL `[+ T]`). */
  readonly minItems?: number;
}

/** A field of a {@link MapType}. */
export interface FieldSpec {
  readonly type: ElementType;
  /** The field must be present. */
  readonly mandatory?: boolean;
}

/** A map with text keys (`{ "a": T, ? "b": U }`), optionally open (`* tstr => any`). */
export interface MapType {
  readonly kind: 'map';
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** Further text keys are allowed (CDDL `* tstr => RFU` / `* tstr => any`). */
  readonly extra?: boolean;
  /** At least one of these fields must be present (e.g. EU PID `place_of_birth`). */
  readonly anyOf?: readonly string[];
}

/** Any one of several types: how a profile accepts two encodings seen in the wild. */
export interface OneOfType {
  readonly kind: 'oneOf';
  readonly types: readonly ElementType[];
}

/** The type of a data element value: a closed set of descriptors. */
export type ElementType = ScalarTypeName | TextType | IntegerType | ArrayType | MapType | OneOfType;

/** One data element of a profile. */
export interface ElementSpec {
  readonly type: ElementType;
  /** The issuer must include the element (checked only when asked: see `checkDocumentProfile`). */
  readonly mandatory?: boolean;
  /** What the element means, with its source. */
  readonly description: string;
  /** Set when the identifier, type or presence could not be confirmed; says why and where from. */
  readonly uncertain?: string;
}

/** A family of element identifiers with one spec, e.g. `age_over_NN`. */
export interface ElementPattern {
  /** Matches the whole identifier (anchored, no `g` flag). */
  readonly pattern: RegExp;
  readonly spec: ElementSpec;
}

/** "At least one of these elements must be present": for elements renamed between versions. */
export interface MandatoryGroup {
  readonly namespace: string;
  readonly anyOf: readonly string[];
  readonly description: string;
}

/** Everything shomei knows about one document type. */
export interface DoctypeProfile {
  /** The canonical docType. */
  readonly docType: string;
  /** Other docType spellings seen in the wild that share this profile. */
  readonly aliases?: readonly string[];
  /** A short human-readable name. */
  readonly title?: string;
  /** NameSpace → element identifier → spec. */
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, ElementSpec>>>>;
  /**
   * Other spellings of a namespace (alias → a key of `namespaces`): elements under the
   * alias are checked against the canonical namespace's specs and count for its
   * mandatory elements.
   */
  readonly namespaceAliases?: Readonly<Record<string, string>>;
  /**
   * Namespaces a document may leave out entirely (e.g. the AAMVA domestic namespace of
   * an mDL): their mandatory elements apply only when the namespace is present.
   */
  readonly optionalNamespaces?: readonly string[];
  /** NameSpace → identifier families (age_over_NN, biometric_template_xx …). */
  readonly patterns?: Readonly<Record<string, readonly ElementPattern[]>>;
  /** Mandatory elements known under more than one identifier. */
  readonly mandatoryGroups?: readonly MandatoryGroup[];
}
