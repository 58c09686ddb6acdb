/**
 * The reader side of a proximity session (ISO/IEC 18013-5:2021 §9.1.1): from the mdoc's
 * DeviceEngagement, generate an ephemeral key on the same curve, build the
 * SessionTranscript, send the DeviceRequest in SessionEstablishment, decrypt the
 * SessionData and verify the DeviceResponse against this very transcript (a deviceMac is
 * checked with the reader's ephemeral key automatically), then end the session.
 *
 * Transport-agnostic: bytes in, bytes out. Every message out of order, every message that
 * does not decrypt, and every status from the mdoc ends the session with a typed result.
 */

import { type EncodedCbor, encodeEmbedded } from '../cbor/index.js';
import { encodeCoseKey } from '../cose/index.js';
import { resolveBackend } from '../crypto/index.js';
import { publicKeyOf } from '../crypto/keys.js';
import type { BackendOptions, EcPrivateKey, OkpPrivateKey } from '../crypto/types.js';
import { CryptoError, isShomeiError, SessionError } from '../errors.js';
import {
  buildDeviceRequest,
  type DeviceRequest,
  type DeviceResponse,
  decodeDeviceRequest,
  decodeDeviceResponse,
  encodeDeviceRequest,
  type ItemsRequestInput,
  type ReaderAuthInput,
  type SessionTranscriptBytes,
  type VerifyDeviceResponseOptions,
  type VerifyDeviceResponseResult,
  verifyDeviceResponse,
} from '../mdoc/index.js';
import { SessionCipher } from './cipher.js';
import { type DeviceEngagement, decodeDeviceEngagement, qrUriToEngagement } from './engagement.js';
import { decodeSessionData, encodeSessionData, encodeSessionEstablishment, SessionStatus, type SessionTerminated, terminationReason } from './messages.js';
import { extractDeviceEngagement } from './nfc.js';
import { buildSessionTranscript, deriveSessionKeys, type Handover } from './transcript.js';

/** How the reader verifies and authenticates itself. */
export interface ReaderSessionOptions extends BackendOptions {
  /** Verification options for the DeviceResponse (trust anchors, time, waivers…). */
  readonly verify: Omit<VerifyDeviceResponseOptions, 'sessionTranscript' | 'eReaderKey' | 'request' | 'backend'>;
  /** Sign requests with reader authentication. */
  readonly readerAuth?: Omit<ReaderAuthInput, 'sessionTranscript'>;
  /**
   * Use this ephemeral key instead of a fresh one. Only for conformance tests that replay
   * published sessions (ISO 18013-5 Annex D): a real reader never reuses an ephemeral key.
   */
  readonly eReaderKey?: EcPrivateKey | OkpPrivateKey;
}

/** The reader's view of what came back. */
export type ReaderReceiveResult =
  | {
      readonly kind: 'response';
      readonly response: DeviceResponse;
      /** The decrypted DeviceResponse exactly as the mdoc encoded it (for logs, audits, re-verification). */
      readonly responseBytes: Uint8Array;
      readonly verification: VerifyDeviceResponseResult;
      /** True when the mdoc also ended the session: a status (20, or the errors 10 and 11) came with the data. */
      readonly terminated: boolean;
    }
  | SessionTerminated
  | { readonly kind: 'error'; readonly error: SessionError; readonly reply: Uint8Array | undefined };

type ReaderState = 'idle' | 'awaiting-response' | 'ended';

/** A reader session. Create it with {@link ReaderSession.fromQrUri} or {@link ReaderSession.fromEngagement}. */
export class ReaderSession {
  readonly engagement: DeviceEngagement;
  readonly transcript: SessionTranscriptBytes;
  readonly #eReaderKey: EcPrivateKey | OkpPrivateKey;
  readonly #eReaderKeyBytes: EncodedCbor;
  readonly #cipher: SessionCipher;
  readonly #options: ReaderSessionOptions;
  #state: ReaderState = 'idle';
  #established = false;
  #lastRequest: DeviceRequest | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    engagement: DeviceEngagement,
    transcript: SessionTranscriptBytes,
    key: EcPrivateKey | OkpPrivateKey,
    keyBytes: EncodedCbor,
    cipher: SessionCipher,
    options: ReaderSessionOptions,
  ) {
    this.engagement = engagement;
    this.transcript = transcript;
    this.#eReaderKey = key;
    this.#eReaderKeyBytes = keyBytes;
    this.#cipher = cipher;
    this.#options = options;
  }

  /** Start from a scanned `mdoc:` URI (QR handover). */
  static async fromQrUri(uri: string, options: ReaderSessionOptions): Promise<ReaderSession> {
    return ReaderSession.fromEngagement(qrUriToEngagement(uri), { kind: 'qr' }, options);
  }

  /**
   * Start from an NFC engagement: the Handover Select message read from the mdoc (and the
   * Handover Request sent, for a negotiated handover).
   * @throws SessionError `ERR_SESSION_NDEF` / `ERR_SESSION_ENGAGEMENT` for unusable messages.
   */
  static async fromNfcHandover(handoverSelect: Uint8Array, handoverRequest: Uint8Array | null, options: ReaderSessionOptions): Promise<ReaderSession> {
    return ReaderSession.fromEngagement(extractDeviceEngagement(handoverSelect), { kind: 'nfc', handoverSelect, handoverRequest }, options);
  }

  /**
   * Start from DeviceEngagement bytes as received, and the handover they came in (QR, or
   * the NFC Handover Select / Request messages).
   * @throws SessionError `ERR_SESSION_ENGAGEMENT` for an unusable engagement.
   */
  static async fromEngagement(deviceEngagement: Uint8Array, handover: Handover, options: ReaderSessionOptions): Promise<ReaderSession> {
    const backend = resolveBackend(options);
    const engagement = decodeDeviceEngagement(deviceEngagement);
    const eReaderKey = options.eReaderKey ?? ((await backend.generateKeyPair(engagement.eDeviceKey.crv)) as EcPrivateKey | OkpPrivateKey);
    if (eReaderKey.crv !== engagement.eDeviceKey.crv) throw new SessionError('ERR_SESSION_ENGAGEMENT', `the reader key is on ${eReaderKey.crv}, EDeviceKey on ${engagement.eDeviceKey.crv}`);
    const eReaderKeyBytes = encodeEmbedded(encodeCoseKey(publicKeyOf(eReaderKey))) as EncodedCbor;
    const transcript = buildSessionTranscript({ deviceEngagement, eReaderKey: eReaderKeyBytes.bytes, handover });
    let keys: Awaited<ReturnType<typeof deriveSessionKeys>>;
    try {
      keys = await deriveSessionKeys(eReaderKey, engagement.eDeviceKey, transcript, { backend });
    } catch (e) {
      // A well-formed EDeviceKey ECDH refuses: an X25519 point of small order (RFC 7748 §6.1).
      if (e instanceof CryptoError) throw new SessionError('ERR_SESSION_ENGAGEMENT', `EDeviceKey: ${e.message}`, { cause: e });
      throw e;
    }
    return new ReaderSession(engagement, transcript, eReaderKey, eReaderKeyBytes, new SessionCipher('reader', keys, { backend }), { ...options, backend });
  }

  /** The session's state. */
  get state(): ReaderState {
    return this.#state;
  }

  /**
   * Encrypt a request: the first one as SessionEstablishment, later ones as SessionData.
   * Give the documents to ask for (signed with `readerAuth` when configured), a
   * DeviceRequest, or an encoded DeviceRequest to send byte for byte. Calls to `request`
   * and `receive` run one at a time, in call order.
   * @throws SessionError `ERR_SESSION_STATE` while a response is awaited or after the end
   *   (also when `terminate()` was called while the request was built).
   * @throws MdocError when given bytes that are not a DeviceRequest (nothing is sent).
   */
  request(request: DeviceRequest | readonly ItemsRequestInput[] | Uint8Array): Promise<Uint8Array> {
    return this.#serialise(() => this.#request(request));
  }

  /** Handle a SessionData from the mdoc: decrypt and verify the DeviceResponse, or take its status. */
  receive(bytes: Uint8Array): Promise<ReaderReceiveResult> {
    return this.#serialise(() => this.#receive(bytes));
  }

  #serialise<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(op, op);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Read the state afresh (terminate() may have run during an await). */
  #ended(): boolean {
    return this.#state === 'ended';
  }

  async #request(request: DeviceRequest | readonly ItemsRequestInput[] | Uint8Array): Promise<Uint8Array> {
    if (this.#state !== 'idle') throw new SessionError('ERR_SESSION_STATE', `cannot send a request while ${this.#state}`);
    const backend = this.#options.backend === undefined ? {} : { backend: this.#options.backend };
    let deviceRequest: DeviceRequest;
    let encoded: Uint8Array;
    if (request instanceof Uint8Array) {
      deviceRequest = decodeDeviceRequest(request);
      encoded = request;
    } else {
      deviceRequest = Array.isArray(request)
        ? await buildDeviceRequest(request as readonly ItemsRequestInput[], {
            ...backend,
            ...(this.#options.readerAuth === undefined ? {} : { readerAuth: { ...this.#options.readerAuth, sessionTranscript: this.transcript } }),
          })
        : (request as DeviceRequest);
      encoded = encodeDeviceRequest(deviceRequest);
    }
    if (this.#ended()) throw new SessionError('ERR_SESSION_STATE', 'the session was terminated while the request was built');
    // Awaiting the response from here on, before the encryption is awaited.
    this.#state = 'awaiting-response';
    const establishing = !this.#established;
    this.#established = true;
    this.#lastRequest = deviceRequest;
    let ciphertext: Uint8Array;
    try {
      ciphertext = await this.#cipher.encrypt(encoded);
    } catch (e) {
      this.#state = 'ended'; // nothing was sent, and the counter is spent: the session cannot go on
      throw e;
    }
    return establishing ? encodeSessionEstablishment(this.#eReaderKeyBytes, ciphertext) : encodeSessionData({ data: ciphertext });
  }

  async #receive(bytes: Uint8Array): Promise<ReaderReceiveResult> {
    if (this.#state !== 'awaiting-response') {
      return this.#fail(new SessionError('ERR_SESSION_STATE', `no response was expected (${this.#state})`));
    }
    let message: ReturnType<typeof decodeSessionData>;
    try {
      message = decodeSessionData(bytes);
    } catch (e) {
      if (e instanceof SessionError) return this.#fail(e, SessionStatus.DECODING_ERROR);
      throw e;
    }
    if (message.data === undefined) {
      this.#state = 'ended';
      return { kind: 'terminated', status: message.status!, reason: terminationReason(message.status!) };
    }
    const request = this.#lastRequest;
    let plaintext: Uint8Array;
    try {
      plaintext = await this.#cipher.decrypt(message.data);
    } catch (e) {
      if (e instanceof SessionError) return this.#fail(e, SessionStatus.ENCRYPTION_ERROR);
      throw e;
    }
    let response: DeviceResponse;
    try {
      response = decodeDeviceResponse(plaintext);
    } catch (e) {
      if (isShomeiError(e)) return this.#fail(new SessionError('ERR_SESSION_MESSAGE', `DeviceResponse: ${e.message}`, { cause: e }), SessionStatus.DECODING_ERROR);
      throw e;
    }
    const verification = await verifyDeviceResponse(response, {
      ...this.#options.verify,
      sessionTranscript: this.transcript.tagged,
      eReaderKey: this.#eReaderKey,
      ...(request === undefined ? {} : { request }),
      ...(this.#options.backend === undefined ? {} : { backend: this.#options.backend }),
    });
    // Table 20: every status (10, 11 and 20) ends the session, with data or without.
    const terminated = message.status !== undefined;
    // terminate() during verification keeps the session ended.
    if (!this.#ended()) this.#state = terminated ? 'ended' : 'idle';
    return { kind: 'response', response, responseBytes: plaintext, verification, terminated };
  }

  /** End the session: the SessionData with status 20 to send. */
  terminate(): Uint8Array {
    this.#state = 'ended';
    return encodeSessionData({ status: SessionStatus.TERMINATION });
  }

  #fail(error: SessionError, status?: number): ReaderReceiveResult {
    const reply = this.#state === 'ended' || status === undefined ? undefined : encodeSessionData({ status });
    this.#state = 'ended';
    return { kind: 'error', error, reply };
  }
}
