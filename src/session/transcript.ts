/**
 * SessionTranscript (ISO/IEC 18013-5:2021 §9.1.5.1) and session keys (§9.1.1.5).
 *
 * ```cddl
 * SessionTranscript = [ DeviceEngagementBytes / null, EReaderKeyBytes / null, Handover ]
 * DeviceEngagementBytes = #6.24(bstr .cbor DeviceEngagement)
 * EReaderKeyBytes = #6.24(bstr .cbor EReaderKey)
 * Handover = QRHandover / NFCHandover / … (online handovers: ISO/IEC 18013-7, OpenID4VP)
 * QRHandover = null
 * NFCHandover = [ HandoverSelect : bstr, HandoverRequest : bstr / null ]
 * SessionTranscriptBytes = #6.24(bstr .cbor SessionTranscript)
 *
 * SKReader = HKDF-SHA-256(Zab, salt = SHA-256(SessionTranscriptBytes), info = "SKReader", L = 32)
 * SKDevice = HKDF-SHA-256(Zab, salt = SHA-256(SessionTranscriptBytes), info = "SKDevice", L = 32)
 * ```
 */

import { type CborValue, EncodedCbor, encode, RawCbor } from '../cbor/index.js';
import { resolveBackend } from '../crypto/index.js';
import type { BackendOptions, EcPrivateKey, EcPublicKey, OkpPrivateKey, OkpPublicKey } from '../crypto/types.js';
import { readSessionTranscript, type SessionTranscriptBytes } from '../mdoc/index.js';
import { utf8Encode } from '../internal/bytes.js';

/** The handover part of a SessionTranscript; a union that later handovers extend. */
export type Handover =
  | { readonly kind: 'qr' }
  | { readonly kind: 'nfc'; readonly handoverSelect: Uint8Array; readonly handoverRequest: Uint8Array | null }
  /** Any other handover, given as its encoded CBOR (online presentation builds these). */
  | { readonly kind: 'encoded'; readonly bytes: Uint8Array };

/** The parts of a proximity SessionTranscript, each as the exact bytes exchanged. */
export interface SessionTranscriptInput {
  /** The DeviceEngagement bytes as received (null for flows without one). */
  readonly deviceEngagement: Uint8Array | null;
  /** The encoded EReaderKey COSE_Key as sent in SessionEstablishment (null for flows without one). */
  readonly eReaderKey: Uint8Array | null;
  readonly handover: Handover;
}

function handoverValue(h: Handover): CborValue {
  switch (h.kind) {
    case 'qr':
      return null;
    case 'nfc':
      return [h.handoverSelect, h.handoverRequest];
    case 'encoded':
      return new RawCbor(h.bytes);
  }
}

/** Build SessionTranscriptBytes from the exchanged parts. */
export function buildSessionTranscript(input: SessionTranscriptInput): SessionTranscriptBytes {
  const wrap = (b: Uint8Array | null) => (b === null ? null : EncodedCbor.wrap(b, null));
  const transcript = encode([wrap(input.deviceEngagement) as CborValue, wrap(input.eReaderKey) as CborValue, handoverValue(input.handover)]);
  return readSessionTranscript(EncodedCbor.wrap(transcript, null).tagged);
}

/** The two session keys. */
export interface SessionKeys {
  readonly skReader: Uint8Array;
  readonly skDevice: Uint8Array;
}

/**
 * Derive SKReader and SKDevice from one party's ephemeral private key and the other's
 * ephemeral public key (the same keys result on both sides).
 */
export async function deriveSessionKeys(
  privateKey: EcPrivateKey | OkpPrivateKey,
  publicKey: EcPublicKey | OkpPublicKey,
  transcript: SessionTranscriptBytes,
  options: BackendOptions = {},
): Promise<SessionKeys> {
  const backend = resolveBackend(options);
  const zab = await backend.ecdh(privateKey, publicKey);
  const salt = await backend.digest('SHA-256', transcript.tagged);
  const [skReader, skDevice] = await Promise.all([
    backend.hkdf('SHA-256', zab, salt, utf8Encode('SKReader'), 32),
    backend.hkdf('SHA-256', zab, salt, utf8Encode('SKDevice'), 32),
  ]);
  return { skReader, skDevice };
}
