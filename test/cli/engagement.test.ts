import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CborValue, decode, EncodedCbor, encode, encodeEmbedded } from '../../src/cbor/index.js';
import { runCli as run } from '../helpers/cli.js';
import { scanOutput } from './qr-screen.js';
import { encodeCoseKey } from '../../src/cose/index.js';
import { nobleBackend, publicKeyOf } from '../../src/crypto/index.js';
import { toHex } from '../../src/internal/bytes.js';
import {
  buildHandoverSelect,
  encodeDeviceEngagement,
  encodeHandoverSelect,
  engagementToQrUri,
  LeRole,
  uuidFromString,
} from '../../src/session/index.js';
import { annexDBytes } from '../helpers/annex-d.js';


afterEach(() => vi.restoreAllMocks());

function tempFile(name: string, content: Uint8Array | string): string {
  const file = join(tmpdir(), `shomei-engagement-${process.pid}-${name}`);
  writeFileSync(file, content);
  return file;
}

const QR = annexDBytes('device_engagement_qr');
const X = toHex(annexDBytes('e_device_key_x'));
const Y = toHex(annexDBytes('e_device_key_y'));

interface EngagementJson {
  source: string;
  deviceEngagement: string;
  qrUri?: string;
  version: string;
  cipherSuite: number;
  eDeviceKey: { kty: string; crv: string; x: string; y?: string };
  deviceRetrievalMethods: { type: string | number; version: number; options: Record<string, unknown> }[];
  serverRetrievalMethods?: unknown;
  protocolInfo?: unknown;
  unknownMembers?: Record<string, unknown>;
  handover?: { ndef: string; version: string; carriers: Record<string, unknown>[] };
}

describe('shomei engagement: Annex D', () => {
  it('decodes the QR engagement bytes: version, cipher suite, EDeviceKey and the BLE method', async () => {
    const r = await run('engagement', '--hex', toHex(QR));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('Read from DeviceEngagement bytes: 116 bytes of DeviceEngagement');
    expect(r.out).toContain('DeviceEngagement 1.0\n  cipher suite: 1\n  EDeviceKey: EC P-256\n');
    expect(r.out).toContain(`    x: ${X}\n    y: ${Y}\n`);
    expect(r.out).toContain(
      [
        '  device retrieval methods:',
        '    BLE (version 1)',
        '      peripheral server mode: no',
        '      central client mode: yes',
        '      central client UUID: 45efef74-2b2c-4837-a9a3-b0e1d05a6917',
      ].join('\n'),
    );
    expect(r.out).toContain(`QR form: ${engagementToQrUri(QR)}`);
  });

  it('--qr draws the engagement as a QR code that scans to its exact mdoc: URI', async () => {
    const r = await run('engagement', '--hex', toHex(QR), '--qr');
    expect(r.code).toBe(0);
    expect(r.out).toContain('central client UUID: 45efef74-2b2c-4837-a9a3-b0e1d05a6917');
    expect(scanOutput(r.out, 'dark')).toBe(engagementToQrUri(QR));
    expect(scanOutput(r.out, 'light')).toBe(engagementToQrUri(QR));
    expect((await run('engagement', '--hex', toHex(QR), '--qr', '--json')).code).toBe(2);
  });

  it('--qr on an engagement too large for a QR code is an input error, not an internal one (fuzz finding)', async () => {
    // A valid engagement with a 4,000-byte member of a key the standard leaves for future use.
    const big = encode(new Map([...(decode(QR) as Map<CborValue, CborValue>), [99, new Uint8Array(4000)]]));
    const r = await run('engagement', '--hex', toHex(big), '--qr');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--qr: the engagement is too large for a QR code \(\d+ characters do not fit/);
    expect(r.err).not.toMatch(/internal error/);
    expect((await run('engagement', '--hex', toHex(big))).code).toBe(0);
  });

  it('reads the same from a binary file and from DeviceEngagementBytes (tag 24)', async () => {
    const fromFile = await run('engagement', tempFile('qr.cbor', QR));
    expect(fromFile.code).toBe(0);
    expect(fromFile.out).toContain('45efef74-2b2c-4837-a9a3-b0e1d05a6917');
    const tagged = await run('engagement', '--hex', toHex(EncodedCbor.wrap(QR, null).tagged));
    expect(tagged.code).toBe(0);
    expect(tagged.out).toContain('Read from DeviceEngagementBytes (tag 24): 116 bytes');
    expect(tagged.out).toContain(`    x: ${X}`);
  });

  it('--json: one object with the key, the methods (UUIDs as UUID strings) and the QR URI', async () => {
    const r = await run('engagement', '--hex', toHex(QR), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as EngagementJson;
    expect(j).toEqual({
      source: 'bytes',
      deviceEngagement: toHex(QR),
      qrUri: engagementToQrUri(QR),
      version: '1.0',
      cipherSuite: 1,
      eDeviceKey: { kty: 'EC', crv: 'P-256', x: X, y: Y },
      deviceRetrievalMethods: [{ type: 'ble', version: 1, options: { peripheralServerMode: false, centralClientMode: true, centralClientUuid: '45efef74-2b2c-4837-a9a3-b0e1d05a6917' } }],
    });
  });

  it('decodes the NFC Handover Select: the engagement it carries and the carriers', async () => {
    const r = await run('engagement', '--hex', toHex(annexDBytes('nfc_handover_select')));
    expect(r.code).toBe(0);
    expect(r.out).toContain('Read from an NFC Handover Select (NFC handover): 88 bytes of DeviceEngagement');
    expect(r.out).toContain(`    x: ${X}`);
    expect(r.out).toContain('  device retrieval methods: none');
    expect(r.out).toContain('NFC Handover Select (Connection Handover 1.5), 195 bytes');
    expect(r.out).toContain('1. Bluetooth LE (Media "application/vnd.bluetooth.le.oob", ID "0", 12 bytes; power state active, auxiliary data "mdoc")');
    expect(r.out).toContain('LE role of the mdoc: central only (mdoc central client mode)');
    expect(r.out).toContain('device address: 28:28:37:8b:12:28 (random)');
    expect(r.out).not.toContain('QR form');

    const j = JSON.parse((await run('engagement', tempFile('hs.ndef', annexDBytes('nfc_handover_select')), '--json')).out) as EngagementJson;
    expect(j.source).toBe('nfc');
    expect(j.deviceEngagement).toBe(toHex(annexDBytes('device_engagement_nfc')));
    expect(j.qrUri).toBeUndefined();
    expect(j.handover?.ndef).toBe('handoverSelect');
    expect(j.handover?.version).toBe('1.5');
    expect(j.handover?.carriers).toEqual([
      {
        kind: 'ble',
        powerState: 'active',
        record: { tnf: 2, type: 'application/vnd.bluetooth.le.oob', id: '0' },
        auxiliaryData: ['mdoc'],
        leRole: LeRole.CentralOnly,
        deviceAddress: '28:28:37:8b:12:28',
        deviceAddressType: 'random',
      },
    ]);
  });
});

describe('shomei engagement: the mdoc: URI', () => {
  const uri = engagementToQrUri(QR);

  it('decodes a URI made with engagementToQrUri, as an argument and from a text file', async () => {
    const r = await run('engagement', uri);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Read from an mdoc: URI (QR handover): 116 bytes of DeviceEngagement');
    expect(r.out).toContain('central client UUID: 45efef74-2b2c-4837-a9a3-b0e1d05a6917');
    expect(r.out).not.toContain('QR form');
    const upper = await run('engagement', `MDOC:${uri.slice(5)}`, '--json');
    expect((JSON.parse(upper.out) as EngagementJson).source).toBe('qr');
    const fromText = await run('engagement', tempFile('uri.txt', `${uri}\n`), '--json');
    expect(fromText.code).toBe(0);
    expect(JSON.parse(fromText.out)).toMatchObject({ source: 'qr', deviceEngagement: toHex(QR), qrUri: uri });
  });

  it('prints every kind of member: all retrieval methods, server retrieval, protocol info, unknown members; X25519 keys', async () => {
    const key = publicKeyOf(await nobleBackend.generateKeyPair('X25519'));
    const p256 = publicKeyOf(await nobleBackend.generateKeyPair('P-256'));
    const psUuid = uuidFromString('0000180a-0000-1000-8000-00805f9b34fb');
    const ccUuid = uuidFromString('45efef74-2b2c-4837-a9a3-b0e1d05a6917');
    const methods = encodeDeviceEngagement({
      eDeviceKey: p256,
      version: '1.1',
      deviceRetrievalMethods: [
        { type: 'ble', version: 1, options: { peripheralServerMode: true, centralClientMode: true, peripheralServerUuid: psUuid, centralClientUuid: ccUuid, deviceAddress: Uint8Array.of(1, 2, 3, 4, 5, 0xab) } },
        { type: 'nfc', version: 1, options: { maxCommandDataLength: 255, maxResponseDataLength: 65536 } },
        { type: 'wifiAware', version: 1, options: { passphrase: 'secret', channelInfoOperatingClass: 81, channelInfoChannelNumber: 6, bandInfo: Uint8Array.of(0x14) } },
        { type: 9, version: 2, options: new Map<CborValue, CborValue>([[0, 'x']]) },
      ],
      protocolInfo: 'proto',
    });
    const r = await run('engagement', engagementToQrUri(methods));
    expect(r.code).toBe(0);
    for (const line of [
      'DeviceEngagement 1.1',
      '    BLE (version 1)',
      '      peripheral server mode: yes',
      '      central client mode: yes',
      '      peripheral server UUID: 0000180a-0000-1000-8000-00805f9b34fb',
      '      central client UUID: 45efef74-2b2c-4837-a9a3-b0e1d05a6917',
      '      device address: 01:02:03:04:05:ab',
      '    NFC (version 1)',
      '      max command data length: 255',
      '      max response data length: 65536',
      '    Wi-Fi Aware (version 1)',
      '      passphrase: "secret"',
      '      channel info operating class: 81',
      '      channel info channel number: 6',
      "      band info: h'14'",
      '    type 9 (version 2)',
      '      options: {0: "x"}',
      '  protocol info: "proto"',
    ]) {
      expect(r.out).toContain(`${line}\n`);
    }

    // Server retrieval and members this edition does not define, with an X25519 key.
    const custom = encode(
      new Map<CborValue, CborValue>([
        [0, '1.0'],
        [1, [1, encodeEmbedded(encodeCoseKey(key)) as EncodedCbor]],
        [3, new Map<CborValue, CborValue>([['webApi', [1, 'https://issuer.example/', 'token-1']]])],
        [99, 'future'],
      ]),
    );
    const c = await run('engagement', '--hex', toHex(custom));
    expect(c.code).toBe(0);
    expect(c.out).toContain(`  EDeviceKey: OKP X25519\n    x: ${toHex(key.x)}\n  device retrieval methods: none\n`);
    expect(c.out).toContain('  server retrieval methods:\n    webApi: version 1, URL https://issuer.example/, token "token-1"\n');
    expect(c.out).toContain('  unknown member 99: "future"\n');
    const j = JSON.parse((await run('engagement', '--hex', toHex(custom), '--json')).out) as EngagementJson;
    expect(j.eDeviceKey).toEqual({ kty: 'OKP', crv: 'X25519', x: toHex(key.x) });
    expect(j.serverRetrievalMethods).toEqual({ webApi: [1, 'https://issuer.example/', 'token-1'] });
    expect(j.unknownMembers).toEqual({ '99': 'future' });
  });

  it('prints the carriers of a Handover Select with BLE (UUID, address), NFC and Wi-Fi Aware', async () => {
    const de = encodeDeviceEngagement({ eDeviceKey: publicKeyOf(await nobleBackend.generateKeyPair('P-256')) });
    const hs = encodeHandoverSelect(
      buildHandoverSelect({
        deviceEngagement: de,
        carriers: [
          { kind: 'ble', leRole: LeRole.PeripheralOnly, serviceUuids: [uuidFromString('45efef74-2b2c-4837-a9a3-b0e1d05a6917')], deviceAddress: Uint8Array.of(6, 5, 4, 3, 2, 1), deviceAddressType: 0 },
          { kind: 'nfc', maxCommandDataLength: 255, maxResponseDataLength: 256 },
          { kind: 'wifiAware', data: Uint8Array.of(1, 2, 3) },
        ],
      }),
    );
    const r = await run('engagement', '--hex', toHex(hs));
    expect(r.code).toBe(0);
    for (const line of [
      '  1. Bluetooth LE (Media "application/vnd.bluetooth.le.oob", ID "0", 30 bytes; power state active, auxiliary data "mdoc")',
      '     LE role of the mdoc: peripheral only (mdoc peripheral server mode)',
      '     service UUID: 45efef74-2b2c-4837-a9a3-b0e1d05a6917',
      '     device address: 01:02:03:04:05:06 (public)',
      '  2. NFC (External "iso.org:18013:nfc", ID "nfc", 9 bytes; power state active, auxiliary data "mdoc")',
      '     max command data length: 255',
      '     max response data length: 256',
      '  3. Wi-Fi Aware (Media "application/vnd.wfa.nan", ID "W", 3 bytes; power state active, auxiliary data "mdoc")',
      '     configuration: 010203',
    ]) {
      expect(r.out).toContain(`${line}\n`);
    }
  });
});

describe('shomei engagement: errors', () => {
  const fails = async (argv: string[], code: string, message?: string) => {
    const r = await run('engagement', ...argv);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.startsWith(`shomei engagement: ${code}: `)).toBe(true);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    if (message !== undefined) expect(r.err).toContain(message);
  };

  it('rejects bad input with one line and exit 1', async () => {
    await fails(['mdoc:'], 'ERR_SESSION_ENGAGEMENT', 'not an mdoc: URI');
    await fails(['mdoc:not*base64'], 'ERR_SESSION_ENGAGEMENT');
    await fails(['--hex', '00'], 'ERR_SESSION_ENGAGEMENT', 'not a map');
    await fails(['--hex', 'a1'], 'ERR_SESSION_ENGAGEMENT', 'not valid CBOR');
    await fails(['--hex', 'a10063322e30'], 'ERR_SESSION_ENGAGEMENT', 'version must be "1.x"');
    // Cipher suite 2 in an otherwise valid engagement.
    const suite2 = toHex(QR).replace('018201d818', '018202d818');
    await fails(['--hex', suite2], 'ERR_SESSION_ENGAGEMENT', 'unsupported cipher suite 2');
    await fails(['--hex', toHex(annexDBytes('nfc_handover_request'))], 'ERR_SESSION_NDEF', 'Handover Request');
    await fails(['--hex', toHex(annexDBytes('nfc_handover_select').subarray(0, 50))], 'ERR_SESSION_NDEF');
    await fails(['--hex', 'd101015500'], 'ERR_SESSION_NDEF', 'not a Handover Select');
    await fails(['--hex', 'd81841a000'], 'ERR_CBOR_TRAILING');
    await fails(['--hex', 'd8184100'], 'ERR_SESSION_ENGAGEMENT', 'not a map');
  });

  it('exits 2 on usage errors and prints help', async () => {
    expect((await run('engagement')).code).toBe(2);
    expect((await run('engagement', '--hex', '00', 'file')).code).toBe(2);
    expect((await run('engagement', '--hex', 'zz')).code).toBe(1); // bad hex is invalid input
    expect((await run('engagement', '--nope')).code).toBe(2);
    const missing = await run('engagement', '/no/such/file');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("Run 'shomei engagement --help' for usage.");
    const help = await run('engagement', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: shomei engagement <mdoc:URI | FILE | - | --hex HEX');
    expect((await run('--help')).out).toContain('engagement');
  });
});
