/**
 * The mdoc (holder) side of a proximity session (ISO/IEC 18013-5:2021 §9.1.1, §8.3.2.1):
 * make a DeviceEngagement with a fresh ephemeral key, accept SessionEstablishment, decrypt
 * the DeviceRequest, check ReaderAuth and the second edition's ReaderAuthAll when present
 * (see reader-auth.ts), ask the consent callback what to release, build the DeviceResponse
 * and send it encrypted, and handle termination.
 *
 * Transport-agnostic: bytes in, bytes out. A message that does not decrypt gets the
 * status 10 reply, a message that is not CBOR the status 11 reply, and the session ends.
 */

import type { Certificate } from '../x509/index.js';
import { resolveBackend } from '../crypto/index.js';
import { publicKeyOf } from '../crypto/keys.js';
import type { BackendOptions, EcPrivateKey, EcPublicKey, OkpPrivateKey, OkpPublicKey } from '../crypto/types.js';
import { isShomeiError, SessionError } from '../errors.js';
import {
  buildDeviceResponse,
  DATA_NOT_RETURNED,
  type Deviation,
  type DeviceRequest,
  type DeviceResponse,
  DeviceResponseStatus,
  type DocRequest,
  decodeDeviceRequest,
  decodeIssuerAuthPayload,
  decodeIssuerSigned,
  type ElementSelection,
  encodeDeviceResponse,
  type HeldDocument,
  type MdocDocument,
  type SessionTranscriptBytes,
  verifyReaderAuthAllSignature,
  verifyReaderAuthSignature,
} from '../mdoc/index.js';
import { SessionCipher } from './cipher.js';
import { type DeviceRetrievalMethod, encodeDeviceEngagement, engagementToQrUri } from './engagement.js';
import { decodeSessionData, decodeSessionEstablishment, encodeSessionData, SessionStatus, type SessionTerminated, terminationReason } from './messages.js';
import type { CarrierConfiguration } from './carriers.js';
import { encodeHandoverSelect } from './handover.js';
import { buildHandoverSelect } from './nfc.js';
import { checkWaiveReaderChecks, combineReaderIdentities, type ReaderIdentity, readerIdentity } from './reader-auth.js';
import { buildSessionTranscript, deriveSessionKeys, type Handover } from './transcript.js';

export type { ReaderIdentity } from './reader-auth.js';

/** One document request, as the consent callback sees it. */
export interface ConsentRequest {
  readonly docType: string;
  /** Namespace → element → intent to retain. */
  readonly requested: Readonly<Record<string, Readonly<Record<string, boolean>>>>;
  /** What the holder could release (held and requested). */
  readonly available: ElementSelection;
  /**
   * Who asks, from every reader signature present: ReaderAuthAll (over the whole request)
   * and this DocRequest's ReaderAuth. When both are present both must verify and name one
   * reader; a failing one makes this invalid or untrusted, with the reason in `detail`.
   * Undefined when the request is unsigned.
   */
  readonly reader?: ReaderIdentity;
  /** This DocRequest's ReaderAuth alone. */
  readonly readerAuth?: ReaderIdentity;
  /** Each ReaderAuthAll signature of the request alone (version 1.1). */
  readonly readerAuthAll?: readonly ReaderIdentity[];
  /** How the request deviates from the CDDL, read past (e.g. REQUEST_OPTIONAL_NULL): see `DeviceRequest.deviations`. */
  readonly deviations?: readonly Deviation[];
}

/** Decide what to release for one document; return the elements to send (a subset of `available`). */
export type ConsentCallback = (request: ConsentRequest) => ElementSelection | Promise<ElementSelection>;

/** How to create a holder session. */
export interface HolderSessionOptions extends BackendOptions {
  readonly documents: readonly HeldDocument[];
  /** Decides what to release; default: everything available. */
  readonly consent?: ConsentCallback;
  /** Reader CA certificates to check ReaderAuth and ReaderAuthAll against; without them readers are never "trusted". */
  readonly readerTrust?: readonly (Certificate | Uint8Array)[];
  /**
   * Annex B.1.7 reader profile checks to waive, by id (e.g. `READER_CRL_DP`, `READER_EKU`;
   * B.2 CRL profile checks too), shown as `waived` in `ReaderIdentity.checks`. The chain's own
   * checks (signature, trust anchor, validity…) cannot be waived (RangeError).
   */
  readonly waiveReaderChecks?: readonly string[];
  /** Curve of the ephemeral key; default the first document's device key curve (for deviceMac), else P-256. */
  readonly curve?: 'P-256' | 'P-384' | 'P-521' | 'X25519';
  /** Retrieval methods to advertise in the engagement. */
  readonly retrievalMethods?: readonly DeviceRetrievalMethod[];
  /**
   * Authenticate with deviceMac (default) or deviceSignature. deviceMac needs the device
   * key and the reader's ephemeral key on the same curve; when they differ (or the device
   * key is an external signer) the response is signed instead.
   */
  readonly deviceAuth?: 'mac' | 'signature';
  /** Validation time for ReaderAuth and ReaderAuthAll certificates; default now. */
  readonly now?: Date;
}

/** What the holder did with an incoming message. */
export type HolderReceiveResult =
  | {
      readonly kind: 'request';
      readonly request: DeviceRequest;
      /** SessionData carrying the encrypted DeviceResponse, to send back. */
      readonly reply: Uint8Array;
      /** Per document request, what consent was asked and what was released. */
      readonly decisions: readonly { readonly consent: ConsentRequest; readonly released: ElementSelection }[];
    }
  | SessionTerminated
  | { readonly kind: 'error'; readonly error: SessionError; readonly reply: Uint8Array | undefined };

type HolderState = 'engaged' | 'established' | 'ended';

/** What one established session answers with: fixed by the SessionEstablishment that created it. */
interface Established {
  readonly transcript: SessionTranscriptBytes;
  readonly eReaderKey: EcPublicKey | OkpPublicKey;
  readonly cipher: SessionCipher;
}

/**
 * A holder session. Create it with {@link HolderSession.create}.
 *
 * `receive` handles one message at a time, in call order: a message given while an
 * earlier one is still being answered (waiting for consent, signing…) waits for it. The
 * session is established by the first SessionEstablishment only; another one is refused.
 */
export class HolderSession {
  /** The DeviceEngagement bytes to show (QR) or put in an NFC Handover Select. */
  readonly deviceEngagement: Uint8Array;
  readonly #eDeviceKey: EcPrivateKey | OkpPrivateKey;
  readonly #options: HolderSessionOptions;
  /** The held documents, decoded once, with their docType. */
  readonly #held: readonly { readonly docType: string; readonly document: HeldDocument }[];
  #handover: Handover = { kind: 'qr' };
  #handoverFixed = false;
  #state: HolderState = 'engaged';
  #session: Established | undefined;
  #transcript: SessionTranscriptBytes | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(deviceEngagement: Uint8Array, key: EcPrivateKey | OkpPrivateKey, options: HolderSessionOptions) {
    this.deviceEngagement = deviceEngagement;
    this.#eDeviceKey = key;
    this.#options = options;
    this.#held = options.documents.map((d, i) => {
      const issuerSigned = d.issuerSigned instanceof Uint8Array ? decodeIssuerSigned(d.issuerSigned, `documents[${i}].issuerSigned`) : d.issuerSigned;
      return { docType: decodeIssuerAuthPayload(issuerSigned.issuerAuth, `documents[${i}].issuerAuth`).docType, document: { ...d, issuerSigned } };
    });
  }

  /**
   * A new session with a fresh ephemeral key and DeviceEngagement.
   * @throws MdocError when a held document does not decode; RangeError naming the valid ids
   *   for a `waiveReaderChecks` id that is not a waivable reader profile check.
   */
  static async create(options: HolderSessionOptions): Promise<HolderSession> {
    const backend = resolveBackend(options);
    if (options.documents.length === 0) throw new RangeError('a holder session needs at least one document');
    checkWaiveReaderChecks(options.waiveReaderChecks);
    const first = options.documents[0]!.deviceKey;
    const curve = options.curve ?? ('kty' in first && first.crv !== 'Ed25519' ? first.crv : 'P-256');
    const key = (await backend.generateKeyPair(curve)) as EcPrivateKey | OkpPrivateKey;
    const engagement = encodeDeviceEngagement({
      eDeviceKey: publicKeyOf(key),
      ...(options.retrievalMethods === undefined ? {} : { deviceRetrievalMethods: options.retrievalMethods }),
    });
    return new HolderSession(engagement, key, { ...options, backend });
  }

  /** The `mdoc:` URI for the QR code. */
  get qrUri(): string {
    return engagementToQrUri(this.deviceEngagement);
  }

  /** The session's state. */
  get state(): HolderState {
    return this.#state;
  }

  /** The SessionTranscript, once the reader's key is known. */
  get transcript(): SessionTranscriptBytes | undefined {
    return this.#transcript;
  }

  /**
   * Engage over NFC with a static handover: the Handover Select message (carrying this
   * session's DeviceEngagement and the given carriers) to serve as the NDEF message of an
   * NFC Forum Type 4 Tag. The session's transcript then uses `[HandoverSelect, null]`.
   */
  nfcStaticHandover(carriers: readonly CarrierConfiguration[] = []): Uint8Array {
    const handoverSelect = encodeHandoverSelect(buildHandoverSelect({ deviceEngagement: this.deviceEngagement, carriers }));
    this.setHandover({ kind: 'nfc', handoverSelect, handoverRequest: null });
    return handoverSelect;
  }

  /**
   * Use an NFC handover (the Handover Select / Request exchanged) instead of QR; before the first message.
   * @throws SessionError `ERR_SESSION_STATE` once a message has been given to `receive`.
   */
  setHandover(handover: Handover): void {
    if (this.#state !== 'engaged' || this.#handoverFixed) throw new SessionError('ERR_SESSION_STATE', 'the handover is fixed once the session is established');
    this.#handover = handover;
  }

  /**
   * Handle SessionEstablishment (first) or SessionData (later) from the reader, after
   * every earlier `receive` call has been answered. A second SessionEstablishment is
   * refused with `ERR_SESSION_STATE` (and the status 11 reply), and the session ends.
   */
  receive(bytes: Uint8Array): Promise<HolderReceiveResult> {
    // The transcript uses the handover as it is now: it cannot change under a queued message.
    this.#handoverFixed = true;
    const run = () => this.#receive(bytes);
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** End the session: the SessionData with status 20 to send. */
  terminate(): Uint8Array {
    this.#state = 'ended';
    return encodeSessionData({ status: SessionStatus.TERMINATION });
  }

  async #receive(bytes: Uint8Array): Promise<HolderReceiveResult> {
    if (this.#state === 'ended') return this.#fail(new SessionError('ERR_SESSION_STATE', 'the session has ended'));
    let session: Established;
    let ciphertext: Uint8Array;
    let terminate = false;
    if (this.#state === 'engaged') {
      let establishment: ReturnType<typeof decodeSessionEstablishment>;
      try {
        establishment = decodeSessionEstablishment(bytes);
      } catch (e) {
        if (e instanceof SessionError) return this.#fail(e, SessionStatus.DECODING_ERROR);
        throw e;
      }
      if (establishment.eReaderKey.crv !== this.#eDeviceKey.crv) {
        return this.#fail(new SessionError('ERR_SESSION_MESSAGE', `EReaderKey is on ${establishment.eReaderKey.crv}, the session on ${this.#eDeviceKey.crv}`), SessionStatus.ENCRYPTION_ERROR);
      }
      // Established from here on, before anything is awaited: no other SessionEstablishment is taken.
      this.#state = 'established';
      const transcript = buildSessionTranscript({ deviceEngagement: this.deviceEngagement, eReaderKey: establishment.eReaderKeyBytes.bytes, handover: this.#handover });
      this.#transcript = transcript;
      const backend = this.#options.backend === undefined ? {} : { backend: this.#options.backend };
      let keys: Awaited<ReturnType<typeof deriveSessionKeys>>;
      try {
        keys = await deriveSessionKeys(this.#eDeviceKey, establishment.eReaderKey, transcript, backend);
      } catch (e) {
        if (isShomeiError(e)) return this.#fail(new SessionError('ERR_SESSION_MESSAGE', `EReaderKey: ${e.message}`, { cause: e }), SessionStatus.ENCRYPTION_ERROR);
        this.#state = 'ended';
        throw e;
      }
      session = { transcript, eReaderKey: establishment.eReaderKey, cipher: new SessionCipher('mdoc', keys, backend) };
      this.#session = session;
      ciphertext = establishment.data;
    } else {
      session = this.#session!;
      let data: ReturnType<typeof decodeSessionData>;
      try {
        data = decodeSessionData(bytes);
      } catch (e) {
        if (!(e instanceof SessionError)) throw e;
        if (isSessionEstablishment(bytes)) {
          return this.#fail(new SessionError('ERR_SESSION_STATE', 'a second SessionEstablishment: the session is already established', { cause: e }), SessionStatus.DECODING_ERROR);
        }
        return this.#fail(e, SessionStatus.DECODING_ERROR);
      }
      // Table 20: every status (10, 11 and 20) ends the session, with data or without.
      terminate = data.status !== undefined;
      if (data.data === undefined) {
        this.#state = 'ended';
        return { kind: 'terminated', status: data.status!, reason: terminationReason(data.status!) };
      }
      ciphertext = data.data;
    }
    let plaintext: Uint8Array;
    try {
      plaintext = await session.cipher.decrypt(ciphertext);
    } catch (e) {
      if (e instanceof SessionError) return this.#fail(e, SessionStatus.ENCRYPTION_ERROR);
      throw e;
    }
    if (this.#ended()) return this.#fail(new SessionError('ERR_SESSION_STATE', 'the session was terminated while the message was handled'));
    const result = await this.#answer(plaintext, session);
    // terminate() while the answer was built (consent refused, user cancelled): send nothing.
    if (this.#ended()) return this.#fail(new SessionError('ERR_SESSION_STATE', 'the session was terminated while the request was answered'));
    if (terminate) this.#state = 'ended';
    return result;
  }

  /** The identity this DocRequest's ReaderAuth proves, or undefined without one. */
  async #readerAuth(dr: DocRequest, transcript: SessionTranscriptBytes): Promise<ReaderIdentity | undefined> {
    if (dr.readerAuth === undefined) return undefined;
    const backend = this.#options.backend === undefined ? {} : { backend: this.#options.backend };
    return readerIdentity(dr.readerAuth, (key) => verifyReaderAuthSignature(dr, transcript, key, backend), this.#options);
  }

  /** The identity each ReaderAuthAll signature proves over the whole request. */
  async #readerAuthAll(request: DeviceRequest, transcript: SessionTranscriptBytes): Promise<ReaderIdentity[]> {
    const backend = this.#options.backend === undefined ? {} : { backend: this.#options.backend };
    const out: ReaderIdentity[] = [];
    for (const [index, signature] of (request.readerAuthAll ?? []).entries()) {
      out.push(await readerIdentity(signature, (key) => verifyReaderAuthAllSignature(request, transcript, key, { ...backend, index }), this.#options));
    }
    return out;
  }

  async #answer(plaintext: Uint8Array, session: Established): Promise<HolderReceiveResult> {
    const backend = this.#options.backend === undefined ? {} : { backend: this.#options.backend };
    let request: DeviceRequest;
    try {
      request = decodeDeviceRequest(plaintext);
    } catch (e) {
      if (!isShomeiError(e)) throw e;
      // The request does not parse: answer with a DeviceResponse status (§8.3.2.1.2.3), encrypted.
      const status = e.code === 'ERR_MDOC_STRUCTURE' && e.message.includes('not valid CBOR') ? DeviceResponseStatus.CBOR_DECODING_ERROR : DeviceResponseStatus.CBOR_VALIDATION_ERROR;
      const reply = encodeSessionData({ data: await session.cipher.encrypt(encodeDeviceResponse({ version: '1.0', documents: [], documentErrors: [], status })) });
      return { kind: 'error', error: new SessionError('ERR_SESSION_MESSAGE', `DeviceRequest: ${e.message}`, { cause: e }), reply };
    }
    const decisions: { consent: ConsentRequest; released: ElementSelection }[] = [];
    // ReaderAuthAll covers every DocRequest: checked once, when a held document is first asked for.
    let readerAuthAll: ReaderIdentity[] | undefined;
    // deviceMac needs the device key and EReaderKey on one curve (ECDH); otherwise sign.
    const macPossible = this.#options.documents.every((d) => 'kty' in d.deviceKey && d.deviceKey.crv === session.eReaderKey.crv);
    const documents: MdocDocument[] = [];
    const documentErrors: (readonly [string, number])[] = [];
    // One DocRequest at a time: the consent callback sees the reader identity and the items of the same DocRequest.
    for (const dr of request.docRequests) {
      const docType = dr.itemsRequest.value.docType;
      const held = this.#held.filter((h) => h.docType === docType).map((h) => h.document);
      if (held.length === 0) {
        // Not held: no reader check, no consent, no signature (a request naming many unheld documents costs nothing).
        documentErrors.push([docType, DATA_NOT_RETURNED]);
        continue;
      }
      readerAuthAll ??= await this.#readerAuthAll(request, session.transcript);
      const readerAuth = await this.#readerAuth(dr, session.transcript);
      const reader = combineReaderIdentities([
        ...readerAuthAll.map((id, i) => [`readerAuthAll[${i}]`, id] as const),
        ...(readerAuth === undefined ? [] : [['readerAuth', readerAuth] as const]),
      ]);
      const all = readerAuthAll;
      const requested: Record<string, Record<string, boolean>> = Object.create(null);
      for (const [ns, els] of dr.itemsRequest.value.nameSpaces) {
        const items: Record<string, boolean> = Object.create(null);
        for (const [id, intent] of els) items[id] = intent;
        requested[ns] = items;
      }
      const part = await buildDeviceResponse({
        documents: held,
        request: { ...request, docRequests: [dr] },
        sessionTranscript: session.transcript.tagged,
        ...(this.#options.deviceAuth === 'signature' || !macPossible ? {} : { mac: { eReaderKey: session.eReaderKey } }),
        consent: async (docType, available) => {
          const consent: ConsentRequest = {
            docType,
            requested,
            available,
            ...(reader === undefined ? {} : { reader }),
            ...(readerAuth === undefined ? {} : { readerAuth }),
            ...(all.length === 0 ? {} : { readerAuthAll: all }),
            ...(request.deviations === undefined ? {} : { deviations: request.deviations }),
          };
          const released = this.#options.consent === undefined ? available : await this.#options.consent(consent);
          decisions.push({ consent, released });
          return released;
        },
        ...backend,
      });
      documents.push(...part.documents);
      documentErrors.push(...part.documentErrors);
    }
    const response: DeviceResponse = { version: '1.0', documents, documentErrors, status: DeviceResponseStatus.OK };
    const reply = encodeSessionData({ data: await session.cipher.encrypt(encodeDeviceResponse(response)) });
    return { kind: 'request', request, reply, decisions };
  }

  /** Read the state afresh (terminate() may have run during an await). */
  #ended(): boolean {
    return this.#state === 'ended';
  }

  #fail(error: SessionError, status?: number): HolderReceiveResult {
    const reply = this.#state === 'ended' || status === undefined ? undefined : encodeSessionData({ status });
    this.#state = 'ended';
    return { kind: 'error', error, reply };
  }
}

/** True when the bytes decode as a SessionEstablishment (to name a second one as such). */
function isSessionEstablishment(bytes: Uint8Array): boolean {
  try {
    decodeSessionEstablishment(bytes);
    return true;
  } catch (e) {
    if (isShomeiError(e)) return false;
    throw e;
  }
}
