/**
 * Apple Verify with Wallet in apps (PassKit `PKIdentityDocument.encryptedData`): the
 * `APPLE-HPKE-v1` envelope around `{ "identity": DeviceResponse }`, bound to the
 * `AppleIdentityPresentment_1.0` handover.
 *
 * ```
 * HPKEEnvelope = { "algorithm": "APPLE-HPKE-v1",
 *                  "params": { "mode": 0, "pkEm": bstr, "pkRHash": bstr, "infoHash": bstr },
 *                  "data": bstr }
 * pkRHash  = SHA-256(recipient public key, 65-byte uncompressed point)
 * infoHash = SHA-256(SessionTranscript)      ; [null, null, AppleHandover], untagged
 * HPKE base mode, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM; info = SessionTranscript, aad empty
 * plaintext = { "identity": DeviceResponse }
 * ```
 *
 * The encodings of `nonce` (a byte string) and of the key hashed for pkRHash (the
 * uncompressed point) are confirmed by Apple's own sample data (an envelope Apple's stack
 * sealed, with its merchant key: vectors/online/apple-verify-with-wallet-sample.json), which
 * this module opens and verifies.
 */

import { type CborValue, decode, encode } from '../cbor/index.js';
import { resolveBackend } from '../crypto/index.js';
import { ecPublicKeyToRaw, publicKeyOf } from '../crypto/keys.js';
import type { BackendOptions, EcPrivateKey, EcPublicKey } from '../crypto/types.js';
import { isShomeiError, OnlineError } from '../errors.js';
import { constantTimeEqual } from '../internal/bytes.js';
import {
  type DeviceResponse,
  decodeDeviceResponse,
  encodeDeviceResponse,
  type VerifyDeviceResponseOptions,
  type VerifyDeviceResponseResult,
  verifyDeviceResponse,
} from '../mdoc/index.js';
import { appleHandover } from './handovers.js';
import { hpkeOpenBase, hpkeSealBase } from './hpke.js';
import { consumeVerifierState } from './state.js';

/** The envelope's algorithm name. */
export const APPLE_HPKE_ALGORITHM = 'APPLE-HPKE-v1';

/**
 * What the merchant's server knows about the request it made. It opens one answer:
 * {@link openAppleIdentityResponse} consumes it (see there).
 */
export interface AppleRequestContext {
  /** The nonce the server generated for this request. */
  readonly nonce: Uint8Array;
  readonly merchantId: string;
  readonly teamId: string;
}

function bad(message: string): never {
  throw new OnlineError('ERR_ONLINE_MESSAGE', message);
}

async function bindings(recipient: EcPublicKey, context: AppleRequestContext, options: BackendOptions) {
  const backend = resolveBackend(options);
  const pkRHash = await backend.digest('SHA-256', ecPublicKeyToRaw(recipient));
  const { sessionTranscript } = appleHandover({ ...context, pkRHash });
  const infoHash = await backend.digest('SHA-256', sessionTranscript.transcript);
  return { pkRHash, sessionTranscript, infoHash };
}

/**
 * Open `encryptedData` with the merchant's Identity Access key and verify the DeviceResponse
 * over the Apple transcript. pkRHash and infoHash are checked before decrypting.
 *
 * The request context is consumed on entry, synchronously and whatever the outcome: a
 * second open with the same context object, a shallow copy of it, or any context holding
 * the same `nonce` Uint8Array, throws `ERR_ONLINE_REPLAY`, even while the first is still
 * running. A context rebuilt from stored values is a new object: delete the stored nonce
 * when you load it. (The Identity Access key is long-lived and is not marked.)
 * @throws OnlineError `ERR_ONLINE_REPLAY` when the context was already used;
 *   `ERR_ONLINE_TRANSCRIPT` when the envelope was made for another key
 *   or another request (nonce, merchant, team); `ERR_HPKE_OPEN` when it does not decrypt;
 *   `ERR_ONLINE_MESSAGE` when it is not an APPLE-HPKE-v1 envelope.
 */
export async function openAppleIdentityResponse(
  encryptedData: Uint8Array,
  recipientKey: EcPrivateKey,
  context: AppleRequestContext,
  verify: Omit<VerifyDeviceResponseOptions, 'sessionTranscript' | 'eReaderKey'>,
): Promise<{ response: DeviceResponse; verification: VerifyDeviceResponseResult }> {
  consumeVerifierState('context', context, context?.nonce);
  let envelope: CborValue;
  try {
    // exactNumbers: `mode` must be the integer 0; a float 0.0 or -0.0 is not read as it.
    envelope = decode(encryptedData, { exactNumbers: true });
  } catch (e) {
    if (isShomeiError(e)) bad(`envelope is not CBOR: ${e.message}`);
    throw e;
  }
  if (!(envelope instanceof Map) || envelope.get('algorithm') !== APPLE_HPKE_ALGORITHM) bad(`not an ${APPLE_HPKE_ALGORITHM} envelope`);
  const params = envelope.get('params');
  const data = envelope.get('data');
  if (!(params instanceof Map) || !(data instanceof Uint8Array)) bad('envelope needs params and data');
  const [mode, pkEm, pkRHash, infoHash] = ['mode', 'pkEm', 'pkRHash', 'infoHash'].map((k) => params.get(k));
  if (mode !== 0 || !(pkEm instanceof Uint8Array) || !(pkRHash instanceof Uint8Array) || !(infoHash instanceof Uint8Array)) bad('envelope params need mode 0, pkEm, pkRHash and infoHash');
  const backend = verify.backend === undefined ? {} : { backend: verify.backend };
  const expected = await bindings(publicKeyOf(recipientKey), context, backend);
  if (!constantTimeEqual(pkRHash, expected.pkRHash)) throw new OnlineError('ERR_ONLINE_TRANSCRIPT', 'the envelope was made for another recipient key (pkRHash)', { check: 'APPLE_PKR_HASH' });
  if (!constantTimeEqual(infoHash, expected.infoHash)) throw new OnlineError('ERR_ONLINE_TRANSCRIPT', 'the envelope was made for another request (infoHash: nonce, merchant or team differ)', { check: 'APPLE_INFO_HASH' });
  const plaintext = await hpkeOpenBase({ recipientPrivateKey: recipientKey, enc: pkEm, info: expected.sessionTranscript.transcript, ciphertext: data, ...backend });
  let identity: CborValue;
  try {
    const inner = decode(plaintext);
    identity = inner instanceof Map ? inner.get('identity') : undefined;
  } catch (e) {
    if (isShomeiError(e)) bad(`plaintext is not CBOR: ${e.message}`);
    throw e;
  }
  if (identity === undefined) bad('plaintext has no "identity"');
  let response: DeviceResponse;
  try {
    response = decodeDeviceResponse(identity);
  } catch (e) {
    if (isShomeiError(e)) bad(`identity: ${e.message}`);
    throw e;
  }
  const verification = await verifyDeviceResponse(response, { ...verify, sessionTranscript: expected.sessionTranscript.tagged });
  return { response, verification };
}

/**
 * The wallet side, for tests and simulators: seal a DeviceResponse into an APPLE-HPKE-v1
 * envelope for `recipient` and the request context. (Apple Wallet does this on the phone.)
 */
export async function sealAppleIdentityResponse(
  response: DeviceResponse,
  recipient: EcPublicKey,
  context: AppleRequestContext,
  options: BackendOptions = {},
): Promise<Uint8Array> {
  const b = await bindings(recipient, context, options);
  const plaintext = encode(new Map([['identity', decode(encodeDeviceResponse(response))]]));
  const sealed = await hpkeSealBase({ recipientPublicKey: recipient, info: b.sessionTranscript.transcript, plaintext, ...(options.backend === undefined ? {} : { backend: options.backend }) });
  return encode(
    new Map<string, CborValue>([
      ['algorithm', APPLE_HPKE_ALGORITHM],
      ['params', new Map<string, CborValue>([['mode', 0], ['pkEm', sealed.enc], ['pkRHash', b.pkRHash], ['infoHash', b.infoHash]])],
      ['data', sealed.ciphertext],
    ]),
  );
}

/** The SessionTranscript a wallet signs over for this request (so a simulator can build the DeviceResponse). */
export async function appleSessionTranscript(recipient: EcPublicKey, context: AppleRequestContext, options: BackendOptions = {}): Promise<Uint8Array> {
  return (await bindings(recipient, context, options)).sessionTranscript.tagged;
}
