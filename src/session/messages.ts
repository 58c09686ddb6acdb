/**
 * Session messages (ISO/IEC 18013-5:2021 §9.1.1.4) and their status codes (Table 20).
 *
 * ```cddl
 * SessionEstablishment = { "eReaderKey" : EReaderKeyBytes, "data" : bstr }
 * SessionData = { ? "data" : bstr, ? "status" : uint }
 * ; status 10: session encryption error, 11: CBOR decoding error, 20: session termination
 * ```
 */

import { type CborValue, decode, EncodedCbor, encode, encodeOrderedMap } from '../cbor/index.js';
import { decodeCoseKey } from '../cose/index.js';
import type { EcPublicKey, OkpPublicKey } from '../crypto/types.js';
import { isShomeiError, SessionError } from '../errors.js';

/** SessionData status codes. */
export const SessionStatus = {
  /** Error: session encryption. */
  ENCRYPTION_ERROR: 10,
  /** Error: CBOR decoding. */
  DECODING_ERROR: 11,
  /** Session termination. */
  TERMINATION: 20,
} as const;
export type SessionStatus = (typeof SessionStatus)[keyof typeof SessionStatus];

/** Why the other side ended a session: a plain termination, one of its two errors, or a status 18013-5 does not define. */
export type TerminationReason = 'termination' | 'encryption-error' | 'decoding-error' | 'unknown';

/** The {@link TerminationReason} for a received status. */
export function terminationReason(status: number): TerminationReason {
  if (status === SessionStatus.TERMINATION) return 'termination';
  if (status === SessionStatus.ENCRYPTION_ERROR) return 'encryption-error';
  if (status === SessionStatus.DECODING_ERROR) return 'decoding-error';
  return 'unknown';
}

/** A status-only SessionData ended the session; `reason` tells an error from a plain end. */
export interface SessionTerminated {
  readonly kind: 'terminated';
  readonly status: number;
  readonly reason: TerminationReason;
}

/** A decoded SessionEstablishment. */
export interface SessionEstablishment {
  /** EReaderKeyBytes as received. */
  readonly eReaderKeyBytes: EncodedCbor;
  readonly eReaderKey: EcPublicKey | OkpPublicKey;
  readonly data: Uint8Array;
}

/** A decoded SessionData. */
export interface SessionData {
  readonly data?: Uint8Array;
  readonly status?: number;
}

function bad(message: string, cause?: unknown): never {
  throw new SessionError('ERR_SESSION_MESSAGE', message, cause === undefined ? {} : { cause });
}

function decodeMap(bytes: Uint8Array, what: string): ReadonlyMap<CborValue, CborValue> {
  let v: CborValue;
  try {
    // exactNumbers: a float stays a float, so `status` 20.0 or -0.0 is not read as the uint 20
    // or 0, nor an EReaderKey kty 2.0 as EC2 (the CDDL and COSE types are integers).
    v = decode(bytes, { embedded: 'eager', maxDepth: 16, exactNumbers: true });
  } catch (e) {
    if (isShomeiError(e)) bad(`${what} is not valid CBOR: ${e.message}`, e);
    throw e;
  }
  if (!(v instanceof Map)) bad(`${what} is not a map`);
  return v;
}

/** A map key for a message: text cut to 64 characters, anything else by its type (a byte string key could be megabytes). */
function memberName(k: unknown): string {
  if (typeof k === 'string') return JSON.stringify(k.length > 64 ? `${k.slice(0, 64)}…` : k);
  if (typeof k === 'number' || typeof k === 'boolean' || k === null || k === undefined) return String(k);
  return k instanceof Uint8Array ? `(a byte string of ${k.length} bytes)` : `(${typeof k === 'bigint' ? 'an integer' : 'a structure'})`;
}

/** Read a SessionEstablishment. @throws SessionError `ERR_SESSION_MESSAGE`. */
export function decodeSessionEstablishment(bytes: Uint8Array): SessionEstablishment {
  const m = decodeMap(bytes, 'SessionEstablishment');
  for (const k of m.keys()) if (k !== 'eReaderKey' && k !== 'data') bad(`SessionEstablishment has an unexpected member ${memberName(k)}`);
  const keyBytes = m.get('eReaderKey');
  const data = m.get('data');
  if (!(keyBytes instanceof EncodedCbor)) bad('SessionEstablishment eReaderKey is not tag 24');
  if (!(data instanceof Uint8Array)) bad('SessionEstablishment data is not a byte string');
  let eReaderKey: EcPublicKey | OkpPublicKey;
  try {
    const k = decodeCoseKey(keyBytes.value).key;
    if ('d' in k || k.crv === 'Ed25519') bad('EReaderKey must be a public key agreement key');
    eReaderKey = k;
  } catch (e) {
    if (isShomeiError(e) && !(e instanceof SessionError)) bad(`EReaderKey: ${e.message}`, e);
    throw e;
  }
  return { eReaderKeyBytes: keyBytes, eReaderKey, data };
}

/** Encode a SessionEstablishment (keys in CDDL order, as Annex D D.5.1 does). */
export function encodeSessionEstablishment(eReaderKeyBytes: EncodedCbor, data: Uint8Array): Uint8Array {
  return encodeOrderedMap([
    ['eReaderKey', eReaderKeyBytes],
    ['data', data],
  ]);
}

/** Read a SessionData. @throws SessionError `ERR_SESSION_MESSAGE`. */
export function decodeSessionData(bytes: Uint8Array): SessionData {
  const m = decodeMap(bytes, 'SessionData');
  for (const k of m.keys()) if (k !== 'data' && k !== 'status') bad(`SessionData has an unexpected member ${memberName(k)}`);
  // Presence by key, not by value: a member holding CBOR undefined (f7) is there, with the wrong type.
  const hasData = m.has('data');
  const hasStatus = m.has('status');
  const data = m.get('data');
  const status = m.get('status');
  if (hasData && !(data instanceof Uint8Array)) bad('SessionData data is not a byte string');
  if (hasStatus && !(typeof status === 'number' && Number.isSafeInteger(status) && status >= 0)) bad('SessionData status is not an unsigned integer');
  if (!hasData && !hasStatus) bad('SessionData has neither data nor status');
  // Set one by one: a literal of two spreads is slow on Node 20 (see mdoc/verify.ts's ctx).
  const out: { data?: Uint8Array; status?: number } = {};
  if (hasData) out.data = data as Uint8Array;
  if (hasStatus) out.status = status as number;
  return out;
}

/** Encode a SessionData. */
export function encodeSessionData(message: SessionData): Uint8Array {
  const m = new Map<string, CborValue>();
  if (message.data !== undefined) m.set('data', message.data);
  if (message.status !== undefined) m.set('status', message.status);
  if (m.size === 0) throw new RangeError('SessionData needs data or a status');
  return encode(m);
}
