/**
 * A card session over a {@link CardTransport}: selection state, checked command execution,
 * header-first EF reads and the PIN protocol shared by every AP (reference §3).
 *
 * PIN protocol, the same for every key reference:
 * 1. SELECT the PIN EF;
 * 2. ask the retry counter with VERIFY without data (`63Cx`, no try spent);
 * 3. refuse to go on when it is blocked (`ERR_JPKI_PIN_BLOCKED`), or when one try is left
 *    and the caller did not pass `allowLastTry` (`ERR_JPKI_LAST_TRY`);
 * 4. VERIFY; `63Cx` → `ERR_JPKI_PIN` with `retriesLeft`, `63C0`/`6984` → `ERR_JPKI_PIN_BLOCKED`.
 *
 * PIN values are validated by the caller ({@link encodePin}) before step 1 and never
 * appear in an error message.
 *
 * Shared readers: the callers run each select-and-verify and select-and-sign sequence in
 * {@link CardChannel.transaction}, which reserves the card through the transport (PC/SC
 * transaction or exclusive connection) so that another client's SELECT cannot land between
 * shomei's SELECT and its VERIFY (a PIN checked against the wrong reference spends a try
 * there) or its COMPUTE DIGITAL SIGNATURE.
 */
import { ApduError, JpkiError } from '../errors.js';
import { concat, toHex } from '../internal/bytes.js';
import type { CommandApdu, ResponseApdu } from './apdu.js';
import { type AppletName, AidHex, aidBytes } from './aid.js';
import * as cmd from './commands.js';
import { pinLabel, type PinKind } from './pin.js';
import { retriesFromStatusWord, StatusWord, statusError } from './status.js';
import { decodeTlvHeader } from './tlv.js';
import { type CardTransport, transmitApdu } from './transport.js';

/** The retry counter of one key reference. */
export interface PinRetryStatus {
  /** Tries left as reported (`63Cx`); undefined when the card answered 9000 (already verified) or 6300 (no limit). */
  readonly retriesLeft: number | undefined;
  /** No tries left. */
  readonly blocked: boolean;
}

/** Options for anything that sends a PIN. */
export interface PinOptions {
  /** Allow sending a PIN when the card reports exactly one try left. Default false. */
  readonly allowLastTry?: boolean;
}

/** The largest EF object read (15-bit READ BINARY offsets). */
const MAX_EF_OBJECT = 0x7fff;

/** A session with selection state; one per connected card (not safe for concurrent use). */
export class CardChannel {
  readonly transport: CardTransport;
  #selected: string | undefined;
  /** How many {@link transaction} calls are running (nested ones join the outermost). */
  #depth = 0;

  constructor(transport: CardTransport) {
    this.transport = transport;
  }

  /** Forget the selection state (after a reset or when another client may have used the card). */
  reset(): void {
    this.#selected = undefined;
  }

  /**
   * Run `sequence` with the card reserved for this session through the transport's
   * `transaction` (a transport without one runs it as it is). Nested calls join the
   * outermost transaction. Like the rest of the channel, not for concurrent use: the
   * high-level `MyNumberCard` queues its operations.
   */
  async transaction<T>(sequence: () => Promise<T>): Promise<T> {
    if (this.#depth > 0 || this.transport.transaction === undefined) {
      this.#depth++;
      try {
        return await sequence();
      } finally {
        this.#depth--;
      }
    }
    return this.transport.transaction(async () => {
      this.#depth++;
      try {
        return await sequence();
      } finally {
        this.#depth--;
      }
    });
  }

  /** Whether a {@link transaction} is running on this channel. */
  get inTransaction(): boolean {
    return this.#depth > 0;
  }

  /** Send a command and return its response (status not checked). */
  async transmit(command: CommandApdu): Promise<ResponseApdu> {
    return transmitApdu(this.transport, command);
  }

  /** Send a command and return its data; any status other than 9000 throws `ERR_APDU_STATUS`. */
  async run(command: CommandApdu, name: string): Promise<Uint8Array> {
    const r = await this.transmit(command);
    if (r.sw !== StatusWord.OK) throw statusError(name, r.sw);
    return r.data;
  }

  /** Select an application by AID (skipped when it is already the selected one). */
  async selectAp(name: AppletName, options: { force?: boolean } = {}): Promise<void> {
    if (this.#selected === name && options.force !== true) return;
    this.#selected = undefined;
    const r = await this.transmit(cmd.selectDf(aidBytes(name)));
    if (r.sw !== StatusWord.OK) throw statusError(`SELECT ${name} AP (${AidHex[name]})`, r.sw);
    this.#selected = name;
  }

  /** The application selected through this channel, if known. */
  get selected(): AppletName | undefined {
    return this.#selected as AppletName | undefined;
  }

  /** Select an EF (or key / PIN reference) under the current application. */
  async selectEf(fid: number): Promise<void> {
    await this.run(cmd.selectEf(fid), `SELECT EF ${toHex(Uint8Array.of(fid >> 8, fid & 0xff))}`);
  }

  /** READ BINARY of the current EF, accepting 9000 and 6282 (end of file). */
  async readBinary(offset: number, ne: number): Promise<Uint8Array> {
    const r = await this.transmit(cmd.readBinary(offset, ne));
    if (r.sw !== StatusWord.OK && r.sw !== StatusWord.END_OF_FILE) throw statusError('READ BINARY', r.sw);
    if (r.data.length > ne) throw new ApduError('ERR_APDU_MALFORMED', `READ BINARY returned ${r.data.length} bytes for Ne ${ne}`);
    return r.data;
  }

  /** Read exactly `length` bytes from offset 0 of the current EF (in 256-byte chunks). */
  async readExactly(length: number, start = 0, first?: Uint8Array): Promise<Uint8Array> {
    const parts: Uint8Array[] = first === undefined ? [] : [first];
    let offset = start;
    while (offset < length) {
      const remaining = length - offset;
      const ne = this.transport.extendedLength === true ? Math.min(remaining, 65536) : Math.min(remaining, 256);
      const chunk = await this.readBinary(offset, ne);
      if (chunk.length === 0) throw new ApduError('ERR_APDU_MALFORMED', `READ BINARY returned no data at offset ${offset} of ${length}`);
      parts.push(chunk);
      offset += chunk.length;
    }
    return concat(...parts);
  }

  /**
   * Read the BER-TLV object at the start of EF `fid` (a certificate, a card-info record):
   * 7 header bytes first, then the rest in chunks (one extended READ BINARY when the
   * transport allows). Returns the object without the EF's filler. Throws `ERR_JPKI_DATA`
   * for a header that does not parse or an object larger than 32767 bytes.
   */
  async readTlvEf(fid: number): Promise<Uint8Array> {
    await this.selectEf(fid);
    const head = await this.readBinary(0, 7);
    const h = decodeTlvHeader(head, 0);
    const total = h.headerLength + h.length;
    if (total > MAX_EF_OBJECT) throw new JpkiError('ERR_JPKI_DATA', `EF object of ${total} bytes is larger than ${MAX_EF_OBJECT}`);
    if (total <= head.length) return head.slice(0, total);
    return this.readExactly(total, head.length, head);
  }

  /** Select EF `fid` and read exactly `length` bytes of it. */
  async readFixedEf(fid: number, length: number): Promise<Uint8Array> {
    await this.selectEf(fid);
    const data = await this.readExactly(length);
    return data;
  }

  /**
   * Select EF `fid` and read it to the end the card reports, for an EF whose length is not
   * in a header: chunks from offset 0 until one comes back shorter than asked (9000, or
   * 6282 end of file), or, after at least one byte, the card answers 6B00 (offset outside
   * the EF). Throws `ERR_JPKI_DATA` when the EF is longer than `max` bytes.
   *
   * `firstNe` is the length asked for first: the length every card documented so far holds
   * (EF 0001: 17 bytes), so a card that is exactly that long answers as it always did, and
   * only a longer one is read on. After the first chunk, 6700 (wrong length) also ends
   * the read: a card that refuses a longer Le past its end has given all it holds.
   */
  async readEfToEnd(fid: number, max: number, firstNe?: number): Promise<Uint8Array> {
    await this.selectEf(fid);
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (;;) {
      const room = max + 1 - offset;
      const ne = Math.min(room, offset === 0 && firstNe !== undefined ? firstNe : this.transport.extendedLength === true ? 65536 : 256);
      const r = await this.transmit(cmd.readBinary(offset, ne));
      if ((r.sw === StatusWord.OFFSET_OUTSIDE_EF || r.sw === StatusWord.WRONG_LENGTH) && offset > 0) break;
      if (r.sw !== StatusWord.OK && r.sw !== StatusWord.END_OF_FILE) throw statusError('READ BINARY', r.sw);
      if (r.data.length > ne) throw new ApduError('ERR_APDU_MALFORMED', `READ BINARY returned ${r.data.length} bytes for Ne ${ne}`);
      parts.push(r.data);
      offset += r.data.length;
      if (offset > max) throw new JpkiError('ERR_JPKI_DATA', `EF is longer than ${max} bytes`);
      if (r.data.length < ne || r.sw === StatusWord.END_OF_FILE) break;
    }
    return concat(...parts);
  }

  /** The retry counter of PIN EF `pinFid` without spending a try (VERIFY without data). */
  async pinStatus(pinFid: number): Promise<PinRetryStatus> {
    await this.selectEf(pinFid);
    const r = await this.transmit(cmd.verify());
    // 9000: already verified; 6300: no retry limit (JICSAP). Neither tells a count.
    if (r.sw === StatusWord.OK || r.sw === StatusWord.VERIFY_FAILED_UNLIMITED) return { retriesLeft: undefined, blocked: false };
    if (r.sw === StatusWord.REFERENCE_DATA_NOT_USABLE || r.sw === StatusWord.AUTH_METHOD_BLOCKED) return { retriesLeft: 0, blocked: true };
    const left = retriesFromStatusWord(r.sw);
    if (left === undefined) throw statusError('VERIFY (retry counter)', r.sw);
    return { retriesLeft: left, blocked: left === 0 };
  }

  /**
   * The PIN protocol above: check the counter, refuse the last try unless allowed, VERIFY.
   * `pin` must already be validated (see {@link encodePin}).
   */
  async verifyPin(pinFid: number, kind: PinKind, pin: Uint8Array, options: PinOptions = {}): Promise<void> {
    const label = pinLabel(kind);
    const status = await this.pinStatus(pinFid);
    if (status.blocked) throw new JpkiError('ERR_JPKI_PIN_BLOCKED', `${label} is blocked`, { retriesLeft: 0 });
    if (status.retriesLeft === 1 && options.allowLastTry !== true) {
      throw new JpkiError('ERR_JPKI_LAST_TRY', `only one try of ${label} is left; pass { allowLastTry: true } to use it`, { retriesLeft: 1 });
    }
    const r = await this.transmit(cmd.verify(pin));
    if (r.sw === StatusWord.OK) return;
    if (r.sw === StatusWord.REFERENCE_DATA_NOT_USABLE || r.sw === StatusWord.AUTH_METHOD_BLOCKED) {
      throw new JpkiError('ERR_JPKI_PIN_BLOCKED', `${label} is blocked`, { retriesLeft: 0, sw: r.sw });
    }
    if (r.sw === StatusWord.VERIFY_FAILED_UNLIMITED) throw new JpkiError('ERR_JPKI_PIN', `wrong ${label.replace(/^the /, '')}`, { sw: r.sw });
    const left = retriesFromStatusWord(r.sw);
    if (left === 0) throw new JpkiError('ERR_JPKI_PIN_BLOCKED', `wrong ${label.replace(/^the /, '')}; it is now blocked`, { retriesLeft: 0, sw: r.sw });
    if (left !== undefined) throw new JpkiError('ERR_JPKI_PIN', `wrong ${label.replace(/^the /, '')}; ${left} tries left`, { retriesLeft: left, sw: r.sw });
    throw statusError('VERIFY', r.sw);
  }

  /**
   * After {@link verifyPin} of the old value, CHANGE REFERENCE DATA of the current PIN EF
   * (or, with `changeKeyCommand`, JICSAP CHANGE KEY for the 住基 PIN).
   */
  async changePin(newPin: Uint8Array, options: { changeKeyCommand?: boolean } = {}): Promise<void> {
    const command = options.changeKeyCommand === true ? cmd.changeKey(newPin) : cmd.changeReferenceData(newPin);
    await this.run(command, options.changeKeyCommand === true ? 'CHANGE KEY' : 'CHANGE REFERENCE DATA');
  }

  /**
   * SELECT key EF `keyFid`, then COMPUTE DIGITAL SIGNATURE over `payload` (a DigestInfo),
   * sent with the long {@link ApduTimeout.SIGN} hint.
   */
  async sign(keyFid: number, payload: Uint8Array): Promise<Uint8Array> {
    await this.selectEf(keyFid);
    const signature = await this.run(cmd.computeDigitalSignature(payload), 'COMPUTE DIGITAL SIGNATURE');
    if (signature.length < 64 || signature.length > 512) throw new ApduError('ERR_APDU_MALFORMED', `COMPUTE DIGITAL SIGNATURE returned ${signature.length} bytes`);
    return signature;
  }
}
