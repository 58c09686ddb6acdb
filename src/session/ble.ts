/**
 * BLE transport helpers for ISO/IEC 18013-5:2021 §8.3.3.1.1 (device retrieval over
 * Bluetooth Low Energy, GATT): the service characteristic UUIDs of both modes, the State
 * values, message framing over Client2Server / Server2Client writes and notifications,
 * and the Ident characteristic value. Pure functions and one small state holder, no I/O:
 * React Native BLE, Web Bluetooth or Node code moves the bytes.
 *
 * ```
 * each write or notification = continuation (1 byte) || up to (value size − 1) message bytes
 *   continuation  0x01: more of this message follows   0x00: last part of this message
 *   value size    ATT_MTU − 3 (capped at 512, the largest attribute value)
 * State           0x01 start (client → server), 0x02 end (either side)
 * Ident           HKDF-SHA-256(IKM = EDeviceKeyBytes, salt = "", info = "BLEIdent", L = 16)
 * ```
 *
 * Clause numbers and UUIDs are as published by implementations that track the standard
 * (multipaz, isomdl, EUDI, Sprucekit, Apple's STS, cross-checked against each other);
 * they were not checked against the standard's own text here.
 */

import { resolveBackend } from '../crypto/index.js';
import type { BackendOptions } from '../crypto/types.js';
import { SessionError } from '../errors.js';
import { assertBytes, fromHex, toHex, utf8Encode } from '../internal/bytes.js';

/**
 * GATT characteristic UUIDs, lower case (as Web Bluetooth wants them). In mdoc peripheral
 * server mode the mdoc is the GATT server; in mdoc central client mode the reader is, and
 * offers the Ident characteristic. The service UUID is the one from the engagement.
 */
export const BleCharacteristic = {
  PeripheralServer: {
    State: '00000001-a123-48ce-896b-4c76973373e6',
    Client2Server: '00000002-a123-48ce-896b-4c76973373e6',
    Server2Client: '00000003-a123-48ce-896b-4c76973373e6',
    /** L2CAP PSM (second edition; optional). */
    L2cap: '0000000a-a123-48ce-896b-4c76973373e6',
  },
  CentralClient: {
    State: '00000005-a123-48ce-896b-4c76973373e6',
    Client2Server: '00000006-a123-48ce-896b-4c76973373e6',
    Server2Client: '00000007-a123-48ce-896b-4c76973373e6',
    Ident: '00000008-a123-48ce-896b-4c76973373e6',
    /** L2CAP PSM (second edition; optional). */
    L2cap: '0000000b-a123-48ce-896b-4c76973373e6',
  },
} as const;

/** Values written to the State characteristic. */
export const BleState = { Start: 0x01, End: 0x02 } as const;
export type BleState = (typeof BleState)[keyof typeof BleState];

/** Continuation byte of a framed chunk. */
export const BleContinuation = { Last: 0x00, More: 0x01 } as const;

/** Smallest and largest ATT_MTU (Bluetooth Core Vol 3 Part F §3.2.8–9). */
export const BLE_MIN_MTU = 23;
export const BLE_MAX_MTU = 517;
/** Largest attribute value (Bluetooth Core Vol 3 Part F §3.2.9). */
export const BLE_MAX_ATTRIBUTE_VALUE = 512;

function bleFail(message: string, context: { offset?: number; path?: string } = {}): never {
  throw new SessionError('ERR_SESSION_BLE', message, context);
}

/** The State characteristic value for `state` (one byte). */
export function encodeBleState(state: BleState): Uint8Array {
  if (state !== BleState.Start && state !== BleState.End) throw new RangeError(`state must be 1 or 2, got ${state}`);
  return Uint8Array.of(state);
}

/**
 * Read a State characteristic value.
 *
 * @throws SessionError `ERR_SESSION_BLE` for anything but the single byte 0x01 or 0x02.
 */
export function decodeBleState(value: Uint8Array): BleState {
  assertBytes(value, 'value');
  if (value.length !== 1 || (value[0] !== BleState.Start && value[0] !== BleState.End)) {
    bleFail(`State value ${toHex(value)} is not 01 (start) or 02 (end)`, { path: 'State' });
  }
  return value[0] as BleState;
}

/** Bytes one write or notification may carry at `mtu`: ATT_MTU − 3, at most 512. */
export function blePayloadSize(mtu: number): number {
  if (!Number.isInteger(mtu) || mtu < BLE_MIN_MTU || mtu > BLE_MAX_MTU) throw new RangeError(`mtu must be ${BLE_MIN_MTU}..${BLE_MAX_MTU}, got ${mtu}`);
  return Math.min(mtu - 3, BLE_MAX_ATTRIBUTE_VALUE);
}

/**
 * Split a message into the characteristic values to write (or notify) at `mtu`: each is
 * a continuation byte (0x01 more, 0x00 last) and up to `blePayloadSize(mtu) − 1` message
 * bytes. An empty message is one chunk `00`.
 *
 * @throws RangeError for an MTU outside 23..517.
 *
 * @example
 * ```ts
 * for (const value of splitBleMessage(sessionEstablishment, mtu)) await client2Server.writeValueWithoutResponse(value);
 * ```
 */
export function splitBleMessage(message: Uint8Array, mtu: number): Uint8Array[] {
  assertBytes(message, 'message');
  const room = blePayloadSize(mtu) - 1;
  const chunks: Uint8Array[] = [];
  let pos = 0;
  do {
    const n = Math.min(room, message.length - pos);
    const chunk = new Uint8Array(n + 1);
    chunk[0] = pos + n < message.length ? BleContinuation.More : BleContinuation.Last;
    chunk.set(message.subarray(pos, pos + n), 1);
    chunks.push(chunk);
    pos += n;
  } while (pos < message.length);
  return chunks;
}

/** Options of {@link BleMessageReassembler}. */
export interface BleReassemblerOptions {
  /** Largest message accepted, in bytes; default 16 MiB. */
  readonly maxMessageSize?: number;
  /** When given, a chunk longer than `blePayloadSize(mtu)` is refused. */
  readonly mtu?: number;
}

/**
 * Reassembles one message from the characteristic values a peer writes or notifies, in
 * time and memory linear in the message (the buffer doubles; at most `maxMessageSize` + 1
 * chunks, since every chunk but the last must carry a byte).
 * `push` returns the message when its last chunk (continuation 0x00) arrives; after
 * that the reassembler refuses further chunks until `reset()` (18013-5 alternates one
 * message each way, so the transport code resets once it has handled a message).
 *
 * @example
 * ```ts
 * const rx = new BleMessageReassembler({ maxMessageSize: 1 << 20, mtu });
 * server2Client.oncharacteristicvaluechanged = (e) => {
 *   const v = e.target.value; // a DataView
 *   const message = rx.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
 *   if (message) { rx.reset(); handle(message); }
 * };
 * ```
 */
export class BleMessageReassembler {
  readonly maxMessageSize: number;
  readonly #maxChunk: number;
  #buffer = new Uint8Array(256);
  #length = 0;
  #chunks = 0;
  #state: 'receiving' | 'complete' | 'failed' = 'receiving';

  constructor(options: BleReassemblerOptions = {}) {
    const max = options.maxMessageSize ?? 16 * 1024 * 1024;
    if (!Number.isSafeInteger(max) || max < 0) throw new RangeError('maxMessageSize must be a non-negative integer');
    this.maxMessageSize = max;
    this.#maxChunk = options.mtu === undefined ? Number.POSITIVE_INFINITY : blePayloadSize(options.mtu);
  }

  /** Bytes of the message received so far. */
  get received(): number {
    return this.#length;
  }

  /** True when the last chunk has arrived (until `reset()`). */
  get complete(): boolean {
    return this.#state === 'complete';
  }

  /** True when part of a message has arrived but not its last chunk. */
  get pending(): boolean {
    return this.#chunks > 0 && this.#state === 'receiving';
  }

  /**
   * Take one characteristic value; the whole message when it was the last chunk.
   *
   * @throws SessionError `ERR_SESSION_BLE` for an empty value, a continuation byte other
   *   than 00/01, a chunk with more to follow but no message bytes, a chunk longer than
   *   the MTU allows, a message over `maxMessageSize`, or any chunk after the last one. The reassembler then stays failed until `reset()`.
   */
  push(chunk: Uint8Array): Uint8Array | undefined {
    assertBytes(chunk, 'chunk');
    const path = `chunk[${this.#chunks}]`;
    if (this.#state === 'complete') bleFail('a chunk arrived after the last chunk of the message', { path });
    if (this.#state === 'failed') bleFail('the message already failed; reset() before the next one', { path });
    if (chunk.length === 0) this.#fail('an empty characteristic value has no continuation byte', path);
    if (chunk.length > this.#maxChunk) this.#fail(`a chunk of ${chunk.length} bytes is longer than the ${this.#maxChunk} the MTU allows`, path);
    const flag = chunk[0]!;
    if (flag !== BleContinuation.More && flag !== BleContinuation.Last) this.#fail(`continuation byte ${flag} is not 00 or 01`, path);
    const n = chunk.length - 1;
    // Every chunk but the last carries at least one byte, so a message has at most maxMessageSize + 1 chunks.
    if (n === 0 && flag === BleContinuation.More) this.#fail('a chunk with more to follow carries no message bytes', path);
    if (this.#length + n > this.maxMessageSize) this.#fail(`the message exceeds ${this.maxMessageSize} bytes`, path);
    if (this.#length + n > this.#buffer.length) {
      const grown = new Uint8Array(Math.min(this.maxMessageSize, Math.max(this.#buffer.length * 2, this.#length + n)));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(chunk.subarray(1), this.#length);
    this.#length += n;
    this.#chunks++;
    if (flag === BleContinuation.More) return undefined;
    this.#state = 'complete';
    return this.#buffer.slice(0, this.#length);
  }

  /** Forget everything received and accept a new message. */
  reset(): void {
    this.#buffer = new Uint8Array(256);
    this.#length = 0;
    this.#chunks = 0;
    this.#state = 'receiving';
  }

  #fail(message: string, path: string): never {
    // A broken message cannot be resumed: drop it and refuse more until reset().
    this.#state = 'failed';
    this.#length = 0;
    bleFail(message, { path });
  }
}

/**
 * The Ident characteristic value: HKDF-SHA-256 with IKM = EDeviceKeyBytes (the tag-24
 * wrapped COSE_Key bytes of the DeviceEngagement), an empty salt, info "BLEIdent", 16
 * bytes. In mdoc central client mode the reader serves it and the mdoc checks it before
 * sending anything.
 */
export async function deriveBleIdent(eDeviceKeyBytes: Uint8Array, options?: BackendOptions): Promise<Uint8Array> {
  assertBytes(eDeviceKeyBytes, 'eDeviceKeyBytes');
  return resolveBackend(options).hkdf('SHA-256', eDeviceKeyBytes, new Uint8Array(0), utf8Encode('BLEIdent'), 16);
}

/** A 16-byte UUID (RFC 4122 byte order, as DeviceEngagement carries it) as lower-case text. */
export function uuidToString(uuid: Uint8Array): string {
  assertBytes(uuid, 'uuid', 16);
  const h = toHex(uuid);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The 16 bytes of a UUID written `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either case). Throws `TypeError` otherwise. */
export function uuidFromString(text: string): Uint8Array {
  if (typeof text !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) {
    throw new TypeError(`not a UUID: ${String(text)}`);
  }
  return fromHex(text.replace(/-/g, ''));
}
