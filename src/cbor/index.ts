/**
 * `shomei/cbor`: strict CBOR (RFC 8949) for identity documents.
 *
 * - {@link decode}: one data item, strictly checked, with limits.
 * - {@link encode}: core deterministic encoding (§4.2.1).
 * - {@link diagnose}: diagnostic notation (§8).
 * - Value types: {@link EncodedCbor} (tag 24, exact bytes kept), {@link RawCbor} (spliced
 *   verbatim), {@link TDate} (tag 0),
 *   {@link FullDate} (tag 1004), {@link Tag}, {@link Simple}, {@link CborFloat}.
 */

export { type DecodeOptions, decode } from './decode.js';
export { type DiagnoseOptions, diagnose } from './diagnose.js';
export { encode, encodeEmbedded, encodeOrderedMap } from './encode.js';
export {
  type CborEncodable,
  CborFloat,
  type CborMap,
  type CborValue,
  EncodedCbor,
  FullDate,
  RawCbor,
  Simple,
  Tag,
  TDate,
} from './values.js';
export { CborError } from '../errors.js';
