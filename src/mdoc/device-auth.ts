/**
 * mdoc authentication (ISO/IEC 18013-5:2021 §9.1.3): the SessionTranscript bytes,
 * DeviceAuthenticationBytes, EMacKey for the deviceMac (COSE_Mac0; its check is in
 * device-mac.ts), and ReaderAuthenticationBytes (§9.1.4).
 *
 * ```cddl
 * SessionTranscriptBytes = #6.24(bstr .cbor SessionTranscript)
 * DeviceAuthentication = [ "DeviceAuthentication", SessionTranscript, DocType, DeviceNameSpacesBytes ]
 * DeviceAuthenticationBytes = #6.24(bstr .cbor DeviceAuthentication)
 * ReaderAuthentication = [ "ReaderAuthentication", SessionTranscript, ItemsRequestBytes ]
 * ReaderAuthenticationBytes = #6.24(bstr .cbor ReaderAuthentication)
 * ; EMacKey = HKDF-SHA-256(ECDH(SDeviceKey, EReaderKey), salt = SHA-256(SessionTranscriptBytes),
 * ;                        info = "EMacKey", L = 32)     (§9.1.3.5)
 * ```
 *
 * The SessionTranscript is embedded exactly as the caller gives it (RawCbor), so both
 * parties sign and MAC the same bytes even if one of them encoded it non-canonically.
 */

import { encodeEmbeddedBytes } from '../cbor/encode.js';
import { type CborValue, decode, EncodedCbor, RawCbor } from '../cbor/index.js';
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions, EcPrivateKey, EcPublicKey, OkpPrivateKey, OkpPublicKey } from '../crypto/types.js';
import { CborError, MdocError } from '../errors.js';
import { utf8Encode } from '../internal/bytes.js';

/** A SessionTranscript as exchanged: the tag-24 bytes and the array inside them. */
export interface SessionTranscriptBytes {
  /** SessionTranscriptBytes: `#6.24(bstr .cbor SessionTranscript)`, as given. */
  readonly tagged: Uint8Array;
  /** The encoded SessionTranscript array. */
  readonly transcript: Uint8Array;
  /** The decoded SessionTranscript. */
  readonly value: readonly CborValue[];
}

/**
 * Read a SessionTranscript given either as SessionTranscriptBytes (tag 24) or as the bare
 * encoded array. The array must have three elements (§9.1.5.1).
 * @throws MdocError `ERR_MDOC_STRUCTURE` otherwise.
 */
export function readSessionTranscript(bytes: Uint8Array): SessionTranscriptBytes {
  let value: CborValue;
  try {
    value = decode(bytes, { embedded: 'eager' });
  } catch (e) {
    if (e instanceof CborError) throw new MdocError('ERR_MDOC_STRUCTURE', `SessionTranscript: ${e.message}`, { path: 'sessionTranscript', cause: e });
    throw e;
  }
  let tagged: Uint8Array;
  let transcript: Uint8Array;
  if (value instanceof EncodedCbor) {
    tagged = bytes;
    transcript = value.bytes;
    value = value.value;
  } else {
    transcript = bytes;
    tagged = EncodedCbor.wrap(bytes, value).tagged;
  }
  if (!Array.isArray(value) || value.length !== 3) {
    throw new MdocError('ERR_MDOC_STRUCTURE', 'SessionTranscript is not an array of three', { path: 'sessionTranscript' });
  }
  return { tagged, transcript, value: value as readonly CborValue[] };
}

/** A bound on the heads and the context string of the authentication structures below (bytes). */
const HEADS = 64;

/**
 * DeviceAuthenticationBytes for one document (the detached payload of the device auth).
 * @throws TypeError when `docType` is not a string.
 */
export function deviceAuthenticationBytes(transcript: SessionTranscriptBytes, docType: string, deviceNameSpacesBytes: EncodedCbor<unknown>): Uint8Array {
  if (typeof docType !== 'string') throw new TypeError('docType must be a string');
  const size = HEADS + transcript.transcript.length + 3 * docType.length + deviceNameSpacesBytes.tagged.length;
  return encodeEmbeddedBytes(['DeviceAuthentication', new RawCbor(transcript.transcript), docType, deviceNameSpacesBytes], size);
}

/** ReaderAuthenticationBytes for one DocRequest (the detached payload of ReaderAuth). */
export function readerAuthenticationBytes(transcript: SessionTranscriptBytes, itemsRequestBytes: EncodedCbor<unknown>): Uint8Array {
  const size = HEADS + transcript.transcript.length + itemsRequestBytes.tagged.length;
  return encodeEmbeddedBytes(['ReaderAuthentication', new RawCbor(transcript.transcript), itemsRequestBytes], size);
}

/** ReaderAuthenticationAllBytes (second edition §12.5.4): the detached payload of ReaderAuthAll. */
export function readerAuthenticationAllBytes(
  transcript: SessionTranscriptBytes,
  itemsRequests: readonly EncodedCbor<unknown>[],
  deviceRequestInfo: EncodedCbor<unknown> | null,
): Uint8Array {
  let size = HEADS + transcript.transcript.length + (deviceRequestInfo?.tagged.length ?? 1);
  for (const r of itemsRequests) size += r.tagged.length;
  return encodeEmbeddedBytes(['ReaderAuthenticationAll', new RawCbor(transcript.transcript), [...itemsRequests], deviceRequestInfo], size);
}

/**
 * EMacKey (§9.1.3.5): HKDF-SHA-256 over the ECDH shared secret of one party's private key
 * and the other's public key, salted with SHA-256(SessionTranscriptBytes).
 * The holder uses (SDeviceKey private, EReaderKey public); the reader (EReaderKey private,
 * SDeviceKey public).
 */
export async function deriveEMacKey(
  privateKey: EcPrivateKey | OkpPrivateKey,
  publicKey: EcPublicKey | OkpPublicKey,
  transcript: SessionTranscriptBytes,
  options: BackendOptions = {},
): Promise<Uint8Array> {
  const backend = resolveBackend(options);
  const shared = await backend.ecdh(privateKey, publicKey);
  const salt = await backend.digest('SHA-256', transcript.tagged);
  return backend.hkdf('SHA-256', shared, salt, utf8Encode('EMacKey'), 32);
}

