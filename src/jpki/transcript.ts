/**
 * APDU transcripts: a transport that records every exchange (with PINs redacted) and one
 * that replays a recorded transcript and fails on any command it did not expect. Stored
 * as JSON (lower-case hex) in `vectors/jpki/`.
 *
 * ```json
 * { "description": "…", "source": "…",
 *   "exchanges": [ { "command": "00a4040c0ad392f000260100000001", "response": "9000" },
 *                  { "command": "0020008004********", "response": "9000" } ] }
 * ```
 * In a command, `**` stands for one redacted byte and matches any byte on replay.
 */
import { ApduError } from '../errors.js';
import { assertBytes, fromHex, toHex } from '../internal/bytes.js';
import type { CardTransport, TransmitHints } from './transport.js';

/** One command-response pair of a transcript, hex encoded. */
export interface TranscriptExchange {
  readonly command: string;
  readonly response: string;
  readonly note?: string;
}

/** A recorded APDU session. */
export interface ApduTranscript {
  readonly description?: string;
  readonly source?: string;
  readonly exchanges: readonly TranscriptExchange[];
}

/**
 * True for the commands whose data field is a secret: VERIFY (`00 20`), CHANGE REFERENCE
 * DATA (`00 24`), RESET RETRY COUNTER (`00 2C`) and JICSAP CHANGE KEY (`80 32`).
 */
export function isSecretCommand(command: Uint8Array): boolean {
  if (command.length < 5) return false;
  const ins = command[1]!;
  return ins === 0x20 || ins === 0x24 || ins === 0x2c || (command[0] === 0x80 && ins === 0x32);
}

/** The hex of `command` with the data field of a secret command replaced by `**` per byte. */
export function redactCommand(command: Uint8Array): string {
  if (!isSecretCommand(command)) return toHex(command);
  // Short case 3 only (PINs are at most 16 bytes): CLA INS P1 P2 Lc Data.
  const header = command.length > 5 && command[4] !== 0 ? 5 : Math.min(command.length, 7);
  return toHex(command.subarray(0, header)) + '**'.repeat(command.length - header);
}

/**
 * A transport that forwards to `inner` and records every exchange, PINs redacted, in the
 * order the commands were sent (also when calls overlap); a command whose transmit failed
 * is not recorded.
 */
export class RecordingTransport implements CardTransport {
  readonly #inner: CardTransport;
  /** One slot per command sent, taken before the await; `response` is filled when it answers. */
  readonly #slots: { readonly command: string; response?: string }[] = [];
  readonly extendedLength: boolean;

  constructor(inner: CardTransport) {
    this.#inner = inner;
    this.extendedLength = inner.extendedLength === true;
  }

  async transmit(command: Uint8Array, hints?: TransmitHints): Promise<Uint8Array> {
    assertBytes(command, 'command');
    const slot: { readonly command: string; response?: string } = { command: redactCommand(command) };
    this.#slots.push(slot);
    let response: Uint8Array;
    try {
      response = await this.#inner.transmit(command, hints);
    } catch (e) {
      this.#slots.splice(this.#slots.indexOf(slot), 1);
      throw e;
    }
    slot.response = toHex(response);
    return response;
  }

  /** The inner transport's transaction (the sequence runs as it is when it has none). */
  transaction<T>(sequence: () => Promise<T>): Promise<T> {
    return this.#inner.transaction === undefined ? sequence() : this.#inner.transaction(sequence);
  }

  /** The exchanges answered so far, in the order sent, as a transcript. */
  transcript(extra: { description?: string; source?: string } = {}): ApduTranscript {
    const exchanges = this.#slots.flatMap((s) => (s.response === undefined ? [] : [{ command: s.command, response: s.response }]));
    return { ...extra, exchanges };
  }
}

function matches(pattern: string, command: Uint8Array): boolean {
  const hex = toHex(command);
  if (pattern.length !== hex.length) return false;
  for (let i = 0; i < hex.length; i += 2) {
    const p = pattern.slice(i, i + 2);
    if (p !== '**' && p !== hex.slice(i, i + 2)) return false;
  }
  return true;
}

/**
 * A transport that answers from a transcript, in order, and throws `ApduError`
 * (`ERR_APDU_TRANSPORT`) on the first command that differs from the recording or comes
 * after its end. {@link ReplayTransport.remaining} tells how many exchanges were not used.
 */
export class ReplayTransport implements CardTransport {
  readonly #exchanges: readonly TranscriptExchange[];
  #next = 0;
  readonly extendedLength: boolean;

  constructor(transcript: ApduTranscript, options: { extendedLength?: boolean } = {}) {
    if (!Array.isArray(transcript?.exchanges)) throw new TypeError('transcript.exchanges must be an array');
    for (const [i, x] of transcript.exchanges.entries()) {
      if (typeof x?.command !== 'string' || typeof x.response !== 'string' || !/^([0-9a-f]{2}|\*\*)*$/.test(x.command) || !/^([0-9a-f]{2})*$/.test(x.response)) {
        throw new TypeError(`transcript exchange ${i} must have lower-case hex command and response`);
      }
    }
    this.#exchanges = transcript.exchanges;
    this.extendedLength = options.extendedLength === true;
  }

  /** Exchanges not yet replayed. */
  get remaining(): number {
    return this.#exchanges.length - this.#next;
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    assertBytes(command, 'command');
    const index = this.#next;
    const expected = this.#exchanges[index];
    if (expected === undefined) {
      throw new ApduError('ERR_APDU_TRANSPORT', `replay: unexpected command ${redactCommand(command)} after the end of the transcript (${index} exchanges)`);
    }
    if (!matches(expected.command, command)) {
      throw new ApduError('ERR_APDU_TRANSPORT', `replay: exchange ${index} expected ${expected.command}, got ${redactCommand(command)}`);
    }
    this.#next++;
    return fromHex(expected.response);
  }
}
