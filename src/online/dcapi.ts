/**
 * ISO/IEC TS 18013-7 Annex C: mdoc over the W3C Digital Credentials API, protocol
 * `org-iso-mdoc` (the draft text says `org.iso.mdoc`; browsers, Apple and every wallet use
 * `org-iso-mdoc`). The verifier side (build the request, keep its secrets, open and verify
 * the answer) and the wallet side (read the request, answer it encrypted).
 *
 * ```
 * request data = { "deviceRequest": b64url(DeviceRequest), "encryptionInfo": b64url(EncryptionInfo) }
 * EncryptionInfo = [ "dcapi", { "nonce" : bstr, "recipientPublicKey" : COSE_Key } ]
 * response data = { "response": b64url(EncryptedResponse) }
 * EncryptedResponse = [ "dcapi", { "enc" : bstr, "cipherText" : bstr } ]
 * HPKE: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM; info = SessionTranscript
 *       (untagged) with the dcapi handover; aad empty; plaintext = DeviceResponse
 * ```
 */

import { type CborValue, decode, encode } from '../cbor/index.js';
import { decodeCoseKey, encodeCoseKey } from '../cose/index.js';
import { resolveBackend } from '../crypto/index.js';
import { publicKeyOf } from '../crypto/keys.js';
import type { BackendOptions, EcPrivateKey, EcPublicKey } from '../crypto/types.js';
import { isShomeiError, OnlineError } from '../errors.js';
import { fromBase64, toBase64Url } from '../internal/bytes.js';
import {
  buildDeviceRequest,
  buildDeviceResponse,
  type DeviceRequest,
  type DeviceResponse,
  decodeDeviceRequest,
  decodeDeviceResponse,
  type ElementSelection,
  encodeDeviceRequest,
  encodeDeviceResponse,
  type HeldDocument,
  type ItemsRequestInput,
  type ReaderAuthInput,
  type VerifyDeviceResponseOptions,
  type VerifyDeviceResponseResult,
  verifyDeviceResponse,
} from '../mdoc/index.js';
import { dcApiHandover, type OnlineTranscript } from './handovers.js';
import { hpkeOpenBase, hpkeSealBase } from './hpke.js';
import { consumeVerifierState } from './state.js';

/** The protocol identifier in `navigator.credentials.get({ digital: { requests: [{ protocol, data }] } })`. */
export const DC_API_PROTOCOL = 'org-iso-mdoc';

/** The request to hand to the Digital Credentials API. */
export interface DcApiRequest {
  readonly protocol: typeof DC_API_PROTOCOL;
  readonly data: { readonly deviceRequest: string; readonly encryptionInfo: string };
}

/**
 * What the verifier keeps until the answer comes back. Keep it secret; it opens one
 * answer: {@link openDcApiResponse} consumes it (see there).
 */
export interface DcApiVerifierState {
  readonly origin: string;
  readonly nonce: Uint8Array;
  readonly encryptionInfo: string;
  readonly recipientKey: EcPrivateKey;
  readonly deviceRequest: DeviceRequest;
  readonly transcript: OnlineTranscript;
}

function bad(message: string, cause?: unknown): never {
  throw new OnlineError('ERR_ONLINE_MESSAGE', message, cause === undefined ? {} : { cause });
}

function checkOrigin(origin: string): void {
  if (typeof origin !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/[^/]+$/i.test(origin)) {
    throw new TypeError(`origin must be a serialized origin such as https://verifier.example (got ${JSON.stringify(origin)})`);
  }
}

/** Build the request and the secrets to keep: a fresh nonce and HPKE key pair per request. */
export async function createDcApiRequest(
  options: BackendOptions & {
    /** The verifier page's origin, as the browser will report it to the wallet. */
    readonly origin: string;
    readonly docRequests: readonly ItemsRequestInput[];
    /** Sign the request (Apple Wallet requires reader authentication). */
    readonly readerAuth?: Omit<ReaderAuthInput, 'sessionTranscript'>;
  },
): Promise<{ request: DcApiRequest; state: DcApiVerifierState }> {
  checkOrigin(options.origin);
  const backend = resolveBackend(options);
  const recipientKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
  const nonce = backend.randomBytes(32);
  const encryptionInfo = toBase64Url(
    encode(['dcapi', new Map<string, CborValue>([['nonce', nonce], ['recipientPublicKey', encodeCoseKey(publicKeyOf(recipientKey))]])]),
  );
  const transcript = await dcApiHandover({ encryptionInfo, origin: options.origin }, { backend });
  const deviceRequest = await buildDeviceRequest(options.docRequests, {
    backend,
    ...(options.readerAuth === undefined ? {} : { readerAuth: { ...options.readerAuth, sessionTranscript: transcript.sessionTranscript } }),
  });
  return {
    request: { protocol: DC_API_PROTOCOL, data: { deviceRequest: toBase64Url(encodeDeviceRequest(deviceRequest)), encryptionInfo } },
    state: { origin: options.origin, nonce, encryptionInfo, recipientKey, deviceRequest, transcript },
  };
}

function readEncryptedResponse(response: string): { enc: Uint8Array; cipherText: Uint8Array } {
  let value: CborValue;
  try {
    value = decode(fromBase64(response));
  } catch (e) {
    if (isShomeiError(e) || e instanceof TypeError) bad(`response is not base64url CBOR: ${(e as Error).message}`, e);
    throw e;
  }
  if (!Array.isArray(value) || value.length !== 2 || value[0] !== 'dcapi' || !(value[1] instanceof Map)) bad('EncryptedResponse is not ["dcapi", {enc, cipherText}]');
  const m = value[1] as ReadonlyMap<CborValue, CborValue>;
  const enc = m.get('enc');
  const cipherText = m.get('cipherText');
  if (!(enc instanceof Uint8Array) || !(cipherText instanceof Uint8Array)) bad('EncryptedResponse needs enc and cipherText byte strings');
  return { enc, cipherText };
}

/**
 * Open the wallet's answer with the kept state and verify the DeviceResponse against the
 * SessionTranscript this request defined (its origin, nonce and key).
 *
 * The state is consumed on entry, synchronously and whatever the outcome (a failed open
 * consumes it too, so an answer cannot be retried or replayed, and the request's key never
 * opens a second ciphertext): a second open with it, or with a shallow copy of it, throws
 * `ERR_ONLINE_REPLAY`, even while the first is still running. A state serialised and read
 * back is a new object: delete a stored state when you load it.
 * @throws OnlineError `ERR_ONLINE_REPLAY` when the state was already used; `ERR_HPKE_OPEN`
 *   when the answer does not decrypt (for example one made for another origin or request);
 *   `ERR_ONLINE_MESSAGE` when it is not an Annex C response.
 * @throws TypeError when `state` is not an object.
 */
export async function openDcApiResponse(
  data: { readonly response: string } | string,
  state: DcApiVerifierState,
  verify: Omit<VerifyDeviceResponseOptions, 'sessionTranscript' | 'request' | 'eReaderKey'>,
): Promise<{ response: DeviceResponse; verification: VerifyDeviceResponseResult }> {
  consumeVerifierState('state', state, state?.transcript, state?.nonce, state?.recipientKey);
  const text = typeof data === 'string' ? data : data?.response;
  if (typeof text !== 'string') bad('the answer has no "response" string');
  const { enc, cipherText } = readEncryptedResponse(text);
  const backend = verify.backend === undefined ? {} : { backend: verify.backend };
  const plaintext = await hpkeOpenBase({ recipientPrivateKey: state.recipientKey, enc, info: state.transcript.sessionTranscript.transcript, ciphertext: cipherText, ...backend });
  let response: DeviceResponse;
  try {
    response = decodeDeviceResponse(plaintext);
  } catch (e) {
    if (isShomeiError(e)) bad(`DeviceResponse: ${e.message}`, e);
    throw e;
  }
  const verification = await verifyDeviceResponse(response, {
    ...verify,
    sessionTranscript: state.transcript.sessionTranscript.tagged,
    request: state.deviceRequest,
  });
  return { response, verification };
}

/** What a wallet reads from a DC API request. */
export interface DcApiWalletRequest {
  readonly deviceRequest: DeviceRequest;
  readonly nonce: Uint8Array;
  readonly recipientPublicKey: EcPublicKey;
  readonly transcript: OnlineTranscript;
}

/**
 * Wallet side: read a request's data, with the origin the platform reports for the caller.
 * @throws OnlineError `ERR_ONLINE_MESSAGE` for a malformed request.
 */
export async function readDcApiRequest(
  data: { readonly deviceRequest: string; readonly encryptionInfo: string },
  origin: string,
  options: BackendOptions = {},
): Promise<DcApiWalletRequest> {
  checkOrigin(origin);
  let info: CborValue;
  let deviceRequest: DeviceRequest;
  try {
    // exactNumbers: the recipient key's kty and crv are integers, not floats that equal them.
    info = decode(fromBase64(data.encryptionInfo), { exactNumbers: true });
    deviceRequest = decodeDeviceRequest(fromBase64(data.deviceRequest));
  } catch (e) {
    if (isShomeiError(e) || e instanceof TypeError) bad(`request: ${(e as Error).message}`, e);
    throw e;
  }
  if (!Array.isArray(info) || info[0] !== 'dcapi' || !(info[1] instanceof Map)) bad('EncryptionInfo is not ["dcapi", {nonce, recipientPublicKey}]');
  const m = info[1] as ReadonlyMap<CborValue, CborValue>;
  const nonce = m.get('nonce');
  if (!(nonce instanceof Uint8Array) || nonce.length < 16) bad('EncryptionInfo nonce must be at least 16 bytes');
  let recipientPublicKey: EcPublicKey;
  try {
    const k = decodeCoseKey(m.get('recipientPublicKey')).key;
    if (k.kty !== 'EC' || k.crv !== 'P-256' || 'd' in k) bad('recipientPublicKey must be a P-256 public key');
    recipientPublicKey = k;
  } catch (e) {
    if (isShomeiError(e) && !(e instanceof OnlineError)) bad(`recipientPublicKey: ${e.message}`, e);
    throw e;
  }
  const transcript = await dcApiHandover({ encryptionInfo: data.encryptionInfo, origin }, options);
  return { deviceRequest, nonce, recipientPublicKey, transcript };
}

/**
 * Wallet side: answer a request with the held documents, device-signed over the Annex C
 * transcript and HPKE-encrypted to the verifier. Returns the `data` to give back to the API.
 */
export async function createDcApiResponse(
  request: DcApiWalletRequest,
  options: BackendOptions & {
    readonly documents: readonly HeldDocument[];
    readonly consent?: (docType: string, available: ElementSelection) => ElementSelection | Promise<ElementSelection>;
  },
): Promise<{ response: string }> {
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  const response = await buildDeviceResponse({
    documents: options.documents,
    request: request.deviceRequest,
    sessionTranscript: request.transcript.sessionTranscript.tagged,
    ...(options.consent === undefined ? {} : { consent: options.consent }),
    ...backend,
  });
  const sealed = await hpkeSealBase({
    recipientPublicKey: request.recipientPublicKey,
    info: request.transcript.sessionTranscript.transcript,
    plaintext: encodeDeviceResponse(response),
    ...backend,
  });
  const encrypted = encode(['dcapi', new Map<string, CborValue>([['enc', sealed.enc], ['cipherText', sealed.ciphertext]])]);
  return { response: toBase64Url(encrypted) };
}
