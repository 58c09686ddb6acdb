/**
 * The card transport: one injected function that sends a command APDU and returns the
 * response APDU. Everything above it (applets, MyNumberCard) is I/O-free and testable
 * against the virtual card, a replayed transcript or a real reader.
 *
 * {@link transmitApdu} adds the ISO/IEC 7816-3/-4 transport conventions every reader needs:
 * `61xx` → GET RESPONSE (§12.6 / T=0 case 4), `6Cxx` → resend with Le = xx.
 *
 * Two optional parts serve real devices (issue 14):
 * - a per-command {@link TransmitHints.timeoutMs} hint: COMPUTE DIGITAL SIGNATURE (`80 2A`)
 *   takes an RSA-2048 private-key operation on the chip, seconds over NFC, so it gets
 *   {@link ApduTimeout.SIGN}; everything else {@link ApduTimeout.DEFAULT}. A transport that
 *   can set a timeout (Android `IsoDep.setTimeout`) uses it; others ignore it;
 * - {@link CardTransport.transaction}: exclusive use of the card for a whole sequence
 *   (PC/SC `SCardBeginTransaction`/`SCardEndTransaction`, or an exclusive connection), so
 *   no other client's command lands between a SELECT and the VERIFY or signature that
 *   depends on it. A transport without it runs the sequence as it is.
 */
import { ApduError, ShomeiError } from '../errors.js';
import { concat } from '../internal/bytes.js';
import { type CommandApdu, decodeResponseApdu, encodeCommandApdu, type ResponseApdu } from './apdu.js';
import { getResponse } from './commands.js';

/**
 * Sends one command APDU and resolves to the card's complete response APDU (data ‖ SW1 SW2).
 * Implementations: {@link openPcscTransport} (PC/SC), {@link RecordingTransport},
 * {@link ReplayTransport}, `VirtualMyNumberCard`, or your own (React Native NFC: wrap
 * `IsoDep.transceive` / `NFCISO7816Tag.sendCommand`; see docs/jpki.md).
 */
export interface CardTransport {
  /** Send one command APDU; `hints` may be ignored. */
  transmit(command: Uint8Array, hints?: TransmitHints): Promise<Uint8Array>;
  /** True when the reader, the OS and the card accept extended-length APDUs (default false). */
  readonly extendedLength?: boolean;
  /**
   * Run `sequence` with the card reserved for this client: no other client's command may
   * reach the card until it settles (PC/SC transaction or exclusive connection). Optional;
   * shomei calls it around every select-and-verify and select-and-sign sequence.
   */
  transaction?<T>(sequence: () => Promise<T>): Promise<T>;
}

/** Per-command hints a transport may honour. */
export interface TransmitHints {
  /** How long this command may take before the transport gives up, in milliseconds. */
  readonly timeoutMs?: number;
}

/** The timeout hints shomei gives (milliseconds). */
export const ApduTimeout = {
  /** Every command but signing: file selection, reads, VERIFY. */
  DEFAULT: 2000,
  /** COMPUTE DIGITAL SIGNATURE (`80 2A`): an RSA-2048 signature on the chip, seconds over NFC. */
  SIGN: 10_000,
} as const;

/** The most bytes {@link transmitApdu} collects through GET RESPONSE for one command. */
const MAX_RESPONSE = 65536 + 256;

/** Call the transport, turning anything it throws into `ERR_APDU_TRANSPORT`. */
async function send(transport: CardTransport, command: Uint8Array, hints: TransmitHints): Promise<ResponseApdu> {
  let raw: Uint8Array;
  try {
    raw = await transport.transmit(command, hints);
  } catch (e) {
    if (e instanceof ShomeiError) throw e;
    throw new ApduError('ERR_APDU_TRANSPORT', `card transport failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return decodeResponseApdu(raw);
}

/**
 * Send `command` and return the response, following `61xx` with GET RESPONSE and
 * answering `6Cxx` by resending once with the length the card asked for. The status
 * word is returned, not checked. Throws `ApduError`: `ERR_APDU_TRANSPORT` if the
 * transport fails, `ERR_APDU_MALFORMED` for a response without status word or a
 * GET RESPONSE chain that does not end. `hints` go to the transport with every command sent
 * (default: {@link ApduTimeout.SIGN} for `80 2A`, else {@link ApduTimeout.DEFAULT}).
 */
export async function transmitApdu(transport: CardTransport, command: CommandApdu, hints: TransmitHints = defaultHints(command)): Promise<ResponseApdu> {
  const length = transport.extendedLength === true ? 'auto' : 'short';
  const needsExtended = (command.data?.length ?? 0) > 255 || (command.ne ?? 0) > 256;
  if (needsExtended && length === 'short') {
    throw new RangeError('this command needs extended-length APDUs, which the transport does not declare');
  }
  let response = await send(transport, encodeCommandApdu(command, { length }), hints);
  if (response.sw >> 8 === 0x6c && command.ne !== undefined) {
    const ne = response.sw & 0xff || 256;
    response = await send(transport, encodeCommandApdu({ ...command, ne }, { length }), hints);
  }
  if (response.sw >> 8 !== 0x61) return response;
  const parts = [response.data];
  let total = response.data.length;
  while (response.sw >> 8 === 0x61) {
    response = await send(transport, encodeCommandApdu(getResponse(response.sw & 0xff || 256)), hints);
    parts.push(response.data);
    total += response.data.length;
    if (total > MAX_RESPONSE) throw new ApduError('ERR_APDU_MALFORMED', 'GET RESPONSE chain exceeds 65792 bytes');
  }
  return { data: concat(...parts), sw: response.sw };
}

/** The timeout hint of a command: long for COMPUTE DIGITAL SIGNATURE (`80 2A`), short otherwise. */
export function defaultHints(command: CommandApdu): TransmitHints {
  return { timeoutMs: command.cla === 0x80 && command.ins === 0x2a ? ApduTimeout.SIGN : ApduTimeout.DEFAULT };
}
