import { hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleBackend, webCryptoBackend } from '../../src/crypto/index.js';
import { isShomeiError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import {
  BLE_MAX_ATTRIBUTE_VALUE,
  BleCharacteristic,
  BleMessageReassembler,
  BleState,
  blePayloadSize,
  decodeBleState,
  deriveBleIdent,
  encodeBleState,
  splitBleMessage,
  uuidFromString,
  uuidToString,
} from '../../src/session/ble.js';
import { annexDBytes } from '../helpers/annex-d.js';

const runs = Number(process.env.SHOMEI_FC_RUNS ?? 200);

function expectBleError(fn: () => unknown, message?: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(isShomeiError(e, 'ERR_SESSION_BLE'), String(e)).toBe(true);
    if (message) expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected ERR_SESSION_BLE');
}

describe('BLE GATT constants and State', () => {
  it('lists the characteristic UUIDs of both modes on the 18013-5 base', () => {
    const n = (uuid: string) => Number.parseInt(uuid.slice(0, 8), 16);
    expect(Object.values(BleCharacteristic.PeripheralServer).map(n)).toEqual([1, 2, 3, 0x0a]);
    expect(Object.values(BleCharacteristic.CentralClient).map(n)).toEqual([5, 6, 7, 8, 0x0b]);
    for (const mode of Object.values(BleCharacteristic)) {
      for (const uuid of Object.values(mode)) {
        expect(uuid.slice(8)).toBe('-a123-48ce-896b-4c76973373e6');
        expect(uuidToString(uuidFromString(uuid))).toBe(uuid);
      }
    }
    expect(() => uuidFromString('00000001a12348ce896b4c76973373e6')).toThrow(TypeError);
  });

  it('encodes and decodes State values, refusing anything else', () => {
    expect(toHex(encodeBleState(BleState.Start))).toBe('01');
    expect(toHex(encodeBleState(BleState.End))).toBe('02');
    expect(decodeBleState(Uint8Array.of(1))).toBe(BleState.Start);
    expect(decodeBleState(Uint8Array.of(2))).toBe(BleState.End);
    for (const hex of ['', '00', '03', '0101']) expectBleError(() => decodeBleState(fromHex(hex)), /State value/);
    expect(() => encodeBleState(3 as BleState)).toThrow(RangeError);
  });
});

describe('BLE message framing', () => {
  it('sizes chunks as ATT_MTU − 3, capped at the 512-byte attribute value', () => {
    expect(blePayloadSize(23)).toBe(20);
    expect(blePayloadSize(185)).toBe(182);
    expect(blePayloadSize(515)).toBe(512);
    expect(blePayloadSize(517)).toBe(BLE_MAX_ATTRIBUTE_VALUE);
    for (const bad of [22, 518, 23.5, Number.NaN]) expect(() => blePayloadSize(bad)).toThrow(RangeError);
  });

  const message = new Uint8Array(100 * 1024).map((_, i) => (i * 31 + 7) & 0xff);

  for (const mtu of [23, 185, 517]) {
    it(`splits and reassembles a 100 KiB message at MTU ${mtu}`, () => {
      const chunks = splitBleMessage(message, mtu);
      const room = blePayloadSize(mtu) - 1;
      expect(chunks.length).toBe(Math.ceil(message.length / room));
      const last = chunks.length - 1;
      const badFrames = chunks.filter((c, i) => c[0] !== (i === last ? 0x00 : 0x01) || (i < last ? c.length !== room + 1 : c.length > room + 1));
      expect(badFrames).toEqual([]);
      const rx = new BleMessageReassembler({ maxMessageSize: message.length, mtu });
      let out: Uint8Array | undefined;
      let early = 0;
      for (const [i, c] of chunks.entries()) {
        out = rx.push(c);
        if ((out !== undefined) !== (i === last) || rx.pending !== (i < last)) early++;
      }
      expect(early).toBe(0);
      expect(rx.complete).toBe(true);
      expect(rx.received).toBe(message.length);
      expect(out!.length).toBe(message.length);
      expect(toHex(out!.subarray(0, 64))).toBe(toHex(message.subarray(0, 64)));
      expect(out!.every((b, i) => b === message[i])).toBe(true);
    });
  }

  it('frames an empty message as one 00 chunk', () => {
    const chunks = splitBleMessage(new Uint8Array(0), 23);
    expect(chunks.map(toHex)).toEqual(['00']);
    expect(new BleMessageReassembler().push(chunks[0]!)).toEqual(new Uint8Array(0));
    expect(splitBleMessage(Uint8Array.of(1, 2), 23).map(toHex)).toEqual(['000102']);
  });

  it('refuses oversize messages, bad continuation bytes and chunks after the last', () => {
    const chunks = splitBleMessage(new Uint8Array(100), 23);
    const small = new BleMessageReassembler({ maxMessageSize: 99 });
    expectBleError(() => chunks.map((c) => small.push(c)), /exceeds 99 bytes/);
    expectBleError(() => small.push(chunks[0]!), /already failed/);
    small.reset();
    expect(small.push(Uint8Array.of(0, 1, 2))).toEqual(Uint8Array.of(1, 2));

    const rx = new BleMessageReassembler({ mtu: 23 });
    expect(rx.push(Uint8Array.of(0x00, 0xaa))).toEqual(Uint8Array.of(0xaa));
    expectBleError(() => rx.push(Uint8Array.of(0x01, 0xbb)), /after the last chunk/);
    expectBleError(() => rx.push(Uint8Array.of(0x00, 0xbb)), /after the last chunk/);
    rx.reset();
    expectBleError(() => rx.push(new Uint8Array(0)), /empty characteristic value/);
    rx.reset();
    expectBleError(() => rx.push(Uint8Array.of(0x02, 0xbb)), /continuation byte 2/);
    rx.reset();
    expectBleError(() => rx.push(new Uint8Array(21)), /longer than the 20/);
    rx.reset();
    expect(rx.push(Uint8Array.of(0x01, 1))).toBeUndefined();
    expect(rx.pending).toBe(true);
    expect(rx.push(Uint8Array.of(0x00, 2))).toEqual(Uint8Array.of(1, 2));
    // A chunk that says more follows but carries nothing: refused, so chunks are bounded by the message size.
    rx.reset();
    expectBleError(() => rx.push(Uint8Array.of(0x01)), /carries no message bytes/);
    rx.reset();
    expect(rx.push(Uint8Array.of(0x00))).toEqual(new Uint8Array(0));
    expect(() => new BleMessageReassembler({ maxMessageSize: -1 })).toThrow(RangeError);
    expect(() => new BleMessageReassembler({ mtu: 10 })).toThrow(RangeError);
  });

  it('property: split then reassemble is the identity for any message and MTU', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 23, max: 517 }), (msg, mtu) => {
        const rx = new BleMessageReassembler({ maxMessageSize: msg.length, mtu });
        const chunks = splitBleMessage(msg, mtu);
        const results = chunks.map((c) => rx.push(c));
        expect(results.slice(0, -1).every((r) => r === undefined)).toBe(true);
        expect(toHex(results.at(-1)!)).toBe(toHex(msg));
      }),
      { numRuns: runs },
    );
  });

  it('property: arbitrary chunk sequences give a message, nothing yet, or ERR_SESSION_BLE', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 20 }), (chunks) => {
        const rx = new BleMessageReassembler({ maxMessageSize: 100, mtu: 23 });
        for (const c of chunks) {
          try {
            const out = rx.push(c);
            if (out !== undefined) expect(out.length).toBeLessThanOrEqual(100);
          } catch (e) {
            expect(isShomeiError(e, 'ERR_SESSION_BLE'), String(e)).toBe(true);
          }
        }
      }),
      { numRuns: runs },
    );
  });
});

describe('BLEIdent', () => {
  it('is HKDF-SHA-256(EDeviceKeyBytes, "", "BLEIdent", 16) for the Annex D key (computed, no published value)', async () => {
    // No published BLEIdent for the Annex D EDeviceKeyBytes was found; the expected value is
    // computed here with node:crypto's HKDF, independently of both shomei backends.
    const eDeviceKeyBytes = annexDBytes('e_device_key_bytes');
    expect(eDeviceKeyBytes[0]).toBe(0xd8); // tag 24: EDeviceKeyBytes, not the bare COSE_Key
    const expected = toHex(new Uint8Array(hkdfSync('sha256', eDeviceKeyBytes, new Uint8Array(0), 'BLEIdent', 16)));
    for (const backend of [nobleBackend, webCryptoBackend]) {
      const ident = await deriveBleIdent(eDeviceKeyBytes, { backend });
      expect(ident.length).toBe(16);
      expect(toHex(ident)).toBe(expected);
    }
    expect(toHex(await deriveBleIdent(eDeviceKeyBytes))).toBe(expected);
  });
});
