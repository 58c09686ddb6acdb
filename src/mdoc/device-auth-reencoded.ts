/**
 * Device authentication over a re-encoding of the DeviceNameSpaces (the
 * `DEVICE_NAMESPACES_REENCODED` deviation): holder libraries that sign a re-encoding of what
 * they send (@auth0/mdl before 3.0 signed an empty map as a0 and sent b9 00 00). Tried only
 * when the signature or MAC fails over the bytes sent, so a verification loads this module
 * only then.
 */

import { EncodedCbor, encode, encodeOrderedMap, RawCbor } from '../cbor/index.js';
import { isShomeiError } from '../errors.js';
import { equalBytes, toHex } from '../internal/bytes.js';
import { deviceAuthenticationBytes, type SessionTranscriptBytes } from './device-auth.js';
import type { DeviceNameSpaces, DeviceSigned, MdocDocument } from './device-response.js';
import { type Deviation, MdocDeviation } from './deviations.js';

/**
 * The other encodings a holder library may have signed its DeviceNameSpaces in: the
 * received value in core deterministic encoding, and in preferred heads with the received
 * key order. Only those that differ from the received bytes.
 */
function reencodings(nameSpaces: EncodedCbor<DeviceNameSpaces>): Uint8Array[] {
  const value = nameSpaces.value;
  const ordered = encodeOrderedMap([...value].map(([ns, items]) => [ns, new RawCbor(encodeOrderedMap([...items] as never))] as const));
  const out: Uint8Array[] = [];
  for (const bytes of [encode(value as never), ordered]) {
    if (!equalBytes(bytes, nameSpaces.bytes) && !out.some((b) => equalBytes(b, bytes))) out.push(bytes);
  }
  return out;
}

/** Device authentication over a re-encoding of the received DeviceNameSpaces; throws `failure` when none verifies. */
export async function overReencoded(
  doc: MdocDocument,
  deviceSigned: DeviceSigned,
  transcript: SessionTranscriptBytes,
  verifyOver: (payload: Uint8Array) => Promise<readonly Deviation[]>,
  failure: unknown,
): Promise<Deviation[]> {
  for (const bytes of reencodings(deviceSigned.nameSpaces)) {
    const payload = deviceAuthenticationBytes(transcript, doc.docType, EncodedCbor.wrap(bytes, null));
    try {
      const found = await verifyOver(payload);
      const detail = `signed over DeviceNameSpacesBytes re-encoded as ${toHex(bytes.subarray(0, 8))}…, not the ${toHex(deviceSigned.nameSpaces.bytes.subarray(0, 8))}… sent`;
      return [...found, { id: MdocDeviation.DEVICE_NAMESPACES_REENCODED, path: 'deviceSigned.nameSpaces', detail }];
    } catch (e) {
      if (!isShomeiError(e)) throw e;
    }
  }
  throw failure;
}
