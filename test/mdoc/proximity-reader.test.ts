/**
 * ProximityReader raw-data responses (responseData, sessionTranscript, ephemeralReaderKey)
 * on ISO 18013-5 Annex D: a published DeviceResponse authenticated with a deviceMac, its
 * SessionTranscriptBytes and the reader's ephemeral key. The key is written in each encoding
 * Apple's key types export, by node:crypto (independent of shomei's parsers).
 */
import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decode, encode, EncodedCbor } from '../../src/cbor/index.js';
import { encodeCoseKey, keyToJwk } from '../../src/cose/index.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { concat, toHex, utf8Encode } from '../../src/internal/bytes.js';
import { MdocCheckId, readEphemeralReaderKey, readProximityTranscript, verifyProximityReaderResponse } from '../../src/mdoc/index.js';
import { annexDBytes } from '../helpers/annex-d.js';
import { BACKENDS } from '../helpers/backends.js';

const eReaderKey: EcPrivateKey = { kty: 'EC', crv: 'P-256', x: annexDBytes('e_reader_key_x'), y: annexDBytes('e_reader_key_y'), d: annexDBytes('e_reader_key_d') };
const tagged = annexDBytes('session_transcript_bytes');
const array = annexDBytes('session_transcript');
const responseData = annexDBytes('device_response');
const options = { trustAnchors: [annexDBytes('iaca_cert')], now: new Date('2020-10-01T13:30:02Z'), waive: ['DS_CRL_DP'] } as const;

function exported(key: EcPrivateKey, type: 'pkcs8' | 'sec1', format: 'der' | 'pem'): Uint8Array {
  const k = createPrivateKey({ key: keyToJwk(key) as never, format: 'jwk' });
  return format === 'pem' ? utf8Encode(k.export({ type, format: 'pem' }) as string) : new Uint8Array(k.export({ type, format: 'der' }));
}

/** The reader key in every encoding, with the format shomei must report. */
function encodings(key: EcPrivateKey): [string, Uint8Array][] {
  return [
    ['raw', key.d],
    ['x963', concat(Uint8Array.of(4), key.x, key.y, key.d)],
    ['pkcs8', exported(key, 'pkcs8', 'der')],
    ['sec1', exported(key, 'sec1', 'der')],
    ['pem', exported(key, 'pkcs8', 'pem')],
    ['pem', exported(key, 'sec1', 'pem')],
    ['cose-key', encode(encodeCoseKey(key))],
  ];
}

describe('readProximityTranscript', () => {
  it('reads SessionTranscriptBytes, the bare array and a byte string holding the array, and finds the EReaderKey', () => {
    expect(array[0]).toBe(0x83);
    for (const [bytes, form] of [
      [tagged, 'tagged'],
      [array, 'array'],
      [encode(array), 'bstr'],
    ] as const) {
      const read = readProximityTranscript(bytes);
      expect(read.form).toBe(form);
      expect(toHex(read.eReaderKey!.x)).toBe(toHex(eReaderKey.x));
    }
  });

  it('refuses what is no SessionTranscript (ERR_MDOC_STRUCTURE)', () => {
    for (const bad of [encode(utf8Encode('no')), encode(encode([1, 2])), encode([null, null]), encode([null, 5, null]), Uint8Array.of(0xff), new Uint8Array(0)]) {
      expect(() => readProximityTranscript(bad), toHex(bad)).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STRUCTURE' }));
    }
    // An OpenID4VP-style transcript has no EReaderKey.
    expect(readProximityTranscript(EncodedCbor.wrap(encode([null, null, ['handover']]), null).tagged).eReaderKey).toBeUndefined();
  });
});

describe('readEphemeralReaderKey', () => {
  const pub = { kty: 'EC', crv: 'P-256', x: eReaderKey.x, y: eReaderKey.y } as const;

  it.each(encodings(eReaderKey))('reads the key as %s', (format, bytes) => {
    const read = readEphemeralReaderKey(bytes, pub);
    expect(read.format).toBe(format);
    expect(toHex(read.key.d!)).toBe(toHex(eReaderKey.d));
  });

  it('refuses the public key, another key in every encoding, 97 bytes that are no X9.63 form of it (a P-384 public key has that length), and garbage', () => {
    const otherKey: EcPrivateKey = { kty: 'EC', crv: 'P-256', x: annexDBytes('e_device_key_x'), y: annexDBytes('e_device_key_y'), d: annexDBytes('e_device_key_d') };
    const bad: Uint8Array[] = [
      concat(Uint8Array.of(4), eReaderKey.x, eReaderKey.y),
      ...encodings(otherKey).map(([, b]) => b),
      concat(Uint8Array.of(4), new Uint8Array(96).fill(7)),
      new Uint8Array(32),
      new Uint8Array(31).fill(1),
      utf8Encode('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'),
      Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01),
      Uint8Array.of(0xa1, 0x01, 0x02),
      Uint8Array.of(0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x42, 0x45, 0x47, 0x49, 0x4e, 0x20, 0xff, 0xfe),
    ];
    for (const b of bad) expect(() => readEphemeralReaderKey(b, pub), toHex(b)).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STRUCTURE' }));
  });
});

describe.each(BACKENDS)('verifyProximityReaderResponse (%s)', (_name, backend) => {
  it('verifies the Annex D deviceMac response with every transcript form and key encoding', async () => {
    for (const transcript of [tagged, array, encode(array)]) {
      for (const [format, key] of encodings(eReaderKey).slice(0, 3)) {
        const result = await verifyProximityReaderResponse({ responseData, sessionTranscript: transcript, ephemeralReaderKey: key }, { ...options, backend });
        expect(result.valid, format).toBe(true);
        expect(result.readerKeyFormat).toBe(format);
        expect(result.documents[0]!.checks.find((c) => c.id === MdocCheckId.DEVICE_AUTH)).toMatchObject({ status: 'passed', detail: 'deviceMac' });
      }
    }
  });

  it('fails closed: a deviceMac without the key fails DEVICE_AUTH; a key of another session is refused before verifying', async () => {
    const without = await verifyProximityReaderResponse({ responseData, sessionTranscript: tagged }, { ...options, backend });
    expect(without.valid).toBe(false);
    expect(without.readerKeyFormat).toBeUndefined();
    expect(without.documents[0]!.checks.find((c) => c.id === MdocCheckId.DEVICE_AUTH)?.status).toBe('failed');
    await expect(verifyProximityReaderResponse({ responseData, sessionTranscript: tagged, ephemeralReaderKey: annexDBytes('e_device_key_d') }, { ...options, backend })).rejects.toMatchObject({
      code: 'ERR_MDOC_STRUCTURE',
    });
    // A transcript without an EReaderKey cannot come with a reader key.
    const noKey = EncodedCbor.wrap(encode([null, null, ['handover']]), null).tagged;
    await expect(verifyProximityReaderResponse({ responseData, sessionTranscript: noKey, ephemeralReaderKey: eReaderKey.d }, { ...options, backend })).rejects.toMatchObject({ code: 'ERR_MDOC_STRUCTURE' });
    // A changed transcript (another session) does not verify the MAC.
    const changed = encode([...(decode(array) as unknown[]).slice(0, 2), ['another handover']] as never);
    const other = await verifyProximityReaderResponse({ responseData, sessionTranscript: changed, ephemeralReaderKey: eReaderKey.d }, { ...options, backend });
    expect(other.valid).toBe(false);
  });

  it('bad responseData is a failed RESPONSE_STRUCTURE, not a throw', async () => {
    const result = await verifyProximityReaderResponse({ responseData: Uint8Array.of(0xa0), sessionTranscript: tagged, ephemeralReaderKey: eReaderKey.d }, { ...options, backend });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.id === MdocCheckId.RESPONSE_STRUCTURE)?.status).toBe('failed');
  });
});
