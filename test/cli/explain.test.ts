import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CborValue, decode, EncodedCbor, encode, encodeEmbedded } from '../../src/cbor/index.js';
import { explain, explainNdef, handoverLines } from '../../src/cli/explain.js';
import { runCli as run } from '../helpers/cli.js';
import { encodeCoseKey } from '../../src/cose/index.js';
import { nobleBackend, publicKeyOf } from '../../src/crypto/index.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import {
  buildHandoverSelect,
  buildSessionTranscript,
  encodeDeviceEngagement,
  encodeHandoverSelect,
  encodeNdefMessage,
  encodeSessionData,
  ndefRecord,
  TNF,
} from '../../src/session/index.js';
import { annexDBytes } from '../helpers/annex-d.js';
import { loadVector } from '../helpers/vectors.js';


afterEach(() => vi.restoreAllMocks());

const online = loadVector('iso18013-7/openid4vp-handovers.json') as Record<string, { hex: string }>;
const onlinePresentation = loadVector('online/online-presentation.json') as Record<string, { hex: string }>;
const vector = (set: Record<string, { hex: string }>, name: string) => fromHex(set[name]!.hex);

/** explain() of the decoded bytes, joined into one text. */
const explained = (bytes: Uint8Array) => explain(decode(bytes))?.join('\n');

const X = toHex(annexDBytes('e_device_key_x'));
const READER_X = toHex(annexDBytes('e_reader_key_x'));
const READER_Y = toHex(annexDBytes('e_reader_key_y'));

describe('explain: proximity session structures (Annex D)', () => {
  it('DeviceEngagement: version, suite, key and retrieval methods', () => {
    const text = explained(annexDBytes('device_engagement_qr'));
    expect(text).toBe(
      [
        'DeviceEngagement 1.0',
        '  cipher suite: 1',
        '  EDeviceKey: EC P-256',
        `    x: ${X}`,
        `    y: ${toHex(annexDBytes('e_device_key_y'))}`,
        '  device retrieval methods:',
        '    BLE (version 1)',
        '      peripheral server mode: no',
        '      central client mode: yes',
        '      central client UUID: 45efef74-2b2c-4837-a9a3-b0e1d05a6917',
      ].join('\n'),
    );
  });

  it('SessionEstablishment: the reader key and the ciphertext length', () => {
    expect(explained(annexDBytes('session_establishment'))).toBe(
      [
        'SessionEstablishment',
        '  EReaderKey: EC P-256',
        `    x: ${READER_X}`,
        `    y: ${READER_Y}`,
        `  data: 735 bytes, the DeviceRequest encrypted with SKReader (AES-256-GCM: ${annexDBytes('device_request').length} bytes of plaintext and a 16-byte tag)`,
      ].join('\n'),
    );
  });

  it('SessionData: data and status, with the meaning of statuses 10, 11 and 20', () => {
    const plaintext = annexDBytes('device_response').length;
    expect(explained(annexDBytes('session_data'))).toBe(
      `SessionData\n  data: ${plaintext + 16} bytes, encrypted with SKDevice (from the mdoc) or SKReader (from the reader) (AES-256-GCM: ${plaintext} bytes of plaintext and a 16-byte tag)`,
    );
    expect(explained(annexDBytes('session_termination'))).toBe('SessionData\n  status: 20 (session termination)');
    expect(explained(encodeSessionData({ status: 10 }))).toBe('SessionData\n  status: 10 (error: session encryption)');
    expect(explained(encodeSessionData({ status: 11 }))).toBe('SessionData\n  status: 11 (error: CBOR decoding)');
    expect(explained(encodeSessionData({ status: 12 }))).toBe('SessionData\n  status: 12 (not a status 18013-5 defines)');
    expect(explained(encodeSessionData({ data: new Uint8Array(20), status: 20 }))).toBe(
      [
        'SessionData',
        '  data: 20 bytes, encrypted with SKDevice (from the mdoc) or SKReader (from the reader) (AES-256-GCM: 4 bytes of plaintext and a 16-byte tag)',
        '  status: 20 (session termination)',
      ].join('\n'),
    );
    expect(explained(encodeSessionData({ data: new Uint8Array(3) }))).toContain('3 bytes (too short for AES-256-GCM');
  });

  it('SessionTranscriptBytes (tag 24) and the bare SessionTranscript: engagement, reader key, negotiated NFC handover', () => {
    const tagged = explain(decode(annexDBytes('session_transcript_bytes')))!;
    expect(tagged[0]).toBe('SessionTranscriptBytes (tag 24) holding a SessionTranscript');
    const text = tagged.join('\n');
    expect(text).toContain('  DeviceEngagementBytes (88 bytes):\n    DeviceEngagement 1.0\n');
    expect(text).toContain(`  EReaderKeyBytes: EC P-256\n    x: ${READER_X}\n    y: ${READER_Y}\n`);
    expect(text).toContain('  handover: NFC, negotiated (Handover Request 205 bytes)\n    NFC Handover Select (Connection Handover 1.5), 3 records, 195 bytes\n');
    expect(text).toContain('    NFC Handover Request (Connection Handover 1.5), 4 records, 205 bytes\n      collision resolution: 258\n');
    expect(text).toContain('LE role of the reader: peripheral and central, peripheral preferred (mdoc peripheral server mode and mdoc central client mode)');
    const bare = explain(decode(annexDBytes('session_transcript')))!;
    expect(bare[0]).toBe('SessionTranscript');
    expect(bare.slice(1)).toEqual(tagged.slice(1));
  });

  it('QR and static NFC transcripts', async () => {
    const key = publicKeyOf(await nobleBackend.generateKeyPair('P-256'));
    const de = encodeDeviceEngagement({ eDeviceKey: key });
    const readerKey = encode(encodeCoseKey(publicKeyOf(await nobleBackend.generateKeyPair('P-256'))));
    const qr = buildSessionTranscript({ deviceEngagement: de, eReaderKey: readerKey, handover: { kind: 'qr' } });
    const qrText = explained(qr.tagged)!;
    expect(qrText).toContain(`      EDeviceKey: EC P-256\n        x: ${toHex(key.x)}`);
    expect(qrText.endsWith('  handover: QR (null)')).toBe(true);
    const hs = encodeHandoverSelect(buildHandoverSelect({ deviceEngagement: de, carriers: [{ kind: 'nfc', maxCommandDataLength: 255, maxResponseDataLength: 256 }] }));
    const nfc = explained(buildSessionTranscript({ deviceEngagement: de, eReaderKey: readerKey, handover: { kind: 'nfc', handoverSelect: hs, handoverRequest: null } }).transcript)!;
    expect(nfc).toContain('  handover: NFC, static (no Handover Request)\n    NFC Handover Select (Connection Handover 1.5), 3 records');
    expect(nfc).toContain('max command data length: 255');
    // An NFC handover whose Handover Select does not decode is still named.
    expect(handoverLines([Uint8Array.of(0x11, 0x01, 0x00, 0x55), null], '')).toEqual([
      'handover: NFC, static (no Handover Request)',
      '  Handover Select (4 bytes) does not decode: the first record must have MB set',
    ]);
  });
});

describe('explain: online transcripts (ISO/IEC 18013-7, OpenID4VP, Apple)', () => {
  const cases: [string, Uint8Array, string[]][] = [
    [
      'OpenID4VP 1.0 redirect',
      vector(online, 'oid4vp10_redirect_session_transcript'),
      ['handover: OpenID4VP 1.0 redirect / direct_post (OpenID4VPHandover, Appendix B.2.6.1)', `SHA-256(OpenID4VPHandoverInfo): ${online.oid4vp10_redirect_handover!.hex.slice(-64)}`],
    ],
    [
      'OpenID4VP 1.0 DC API',
      vector(online, 'oid4vp10_dcapi_session_transcript'),
      ['handover: OpenID4VP 1.0 over the W3C Digital Credentials API (OpenID4VPDCAPIHandover, Appendix B.2.6.2)', `SHA-256(OpenID4VPDCAPIHandoverInfo): ${online.oid4vp10_dcapi_handover!.hex.slice(-64)}`],
    ],
    [
      '18013-7 Annex B',
      vector(online, 'iso18013_7_annexB_session_transcript'),
      [
        'handover: ISO/IEC TS 18013-7:2024 Annex B (OID4VPHandover, before OpenID4VP 1.0)',
        `clientIdHash: ${online.iso18013_7_annexB_client_id_hash!.hex}`,
        `responseUriHash: ${online.iso18013_7_annexB_response_uri_hash!.hex}`,
      ],
    ],
    [
      '18013-7 Annex C',
      vector(online, 'iso18013_7_annexC_av_session_transcript'),
      ['handover: ISO/IEC TS 18013-7 Annex C, org-iso-mdoc over the Digital Credentials API (DCAPIHandover)', `dcapiInfoHash: ${online.iso18013_7_annexC_av_session_transcript!.hex.slice(-64)}`],
    ],
    [
      'Apple Verify with Wallet',
      vector(onlinePresentation, 'apple_in_app_computed.session_transcript'),
      ['handover: Apple Verify with Wallet, in app (AppleIdentityPresentment_1.0)', 'nonce: 000102030405060708090a0b0c0d0e0f', 'merchant ID: "', 'team ID: "', 'SHA-256 of the recipient public key: '],
    ],
  ];

  it.each(cases)('%s: names the handover, untagged and as SessionTranscriptBytes', (_name, bytes, expected) => {
    for (const [input, title] of [
      [bytes, 'SessionTranscript'],
      [EncodedCbor.wrap(bytes, null).tagged, 'SessionTranscriptBytes (tag 24) holding a SessionTranscript'],
    ] as const) {
      const lines = explain(decode(input))!;
      expect(lines.slice(0, 3)).toEqual([title, '  DeviceEngagementBytes: null', '  EReaderKeyBytes: null']);
      const text = lines.join('\n');
      for (const e of expected) expect(text).toContain(e);
    }
  });

  it('an unknown handover is shown as such, e.g. the Annex B example that encodes hashes as arrays', () => {
    const bad = vector(online, 'iso18013_7_annexB_awoie_main_handover_KNOWN_BAD');
    const lines = explain([null, null, decode(bad)])!;
    expect(lines[3]).toMatch(/^ {2}handover: not one shomei knows: \[\[39, 103, /);
    expect(explain([null, null, ['OpenID4VPHandover', 'not bytes']])![3]).toBe('  handover: not one shomei knows: ["OpenID4VPHandover", "not bytes"]');
  });

  it('the OpenID4VP redirect transcript through `shomei inspect`', async () => {
    const r = await run('inspect', '--hex', online.oid4vp10_redirect_session_transcript!.hex);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('SessionTranscript\n  DeviceEngagementBytes: null\n  EReaderKeyBytes: null\n  handover: OpenID4VP 1.0 redirect')).toBe(true);
    expect(r.out).toContain('\n\n[\n  null,\n  null,\n  [\n    "OpenID4VPHandover",\n');
  });
});

describe('explain: what it does not claim', () => {
  it('keeps the mdoc structures as before', () => {
    expect(explain(decode(annexDBytes('device_response')))![0]).toBe('DeviceResponse 1.0, status 0, 1 document(s)');
    expect(explain(decode(annexDBytes('device_request')))![0]).toBe('DeviceRequest 1.0, 1 document request(s)');
    expect(explain(decode(annexDBytes('issuer_signed')))![0]).toBe('IssuerSigned');
  });

  it('leaves other values alone: plain maps, other arrays and 3-arrays that are no transcript', () => {
    for (const v of [new Map([[1, 2]]), [1, 2, 3], [null, null, 'x'], ['a', null, null], new Map<CborValue, CborValue>([['other', 1]]), 'text', 42, new Map()] as CborValue[]) {
      expect(explain(v)).toBeUndefined();
    }
  });

  it('says when something looks like a session structure but is not valid', () => {
    const suite2 = fromHex(toHex(annexDBytes('device_engagement_qr')).replace('018201d818', '018202d818'));
    expect(explained(suite2)).toBe('looks like an mdoc structure but is not valid: unsupported cipher suite 2 (only 1 is defined)');
    const noTag = encode(new Map<CborValue, CborValue>([['eReaderKey', new Uint8Array(3)], ['data', new Uint8Array(3)]]));
    expect(explained(noTag)).toBe('looks like an mdoc structure but is not valid: SessionEstablishment eReaderKey is not tag 24');
    expect(explained(encode(new Map<CborValue, CborValue>([['status', 'x']])))).toBe('looks like an mdoc structure but is not valid: SessionData status is not an unsigned integer');
    const badKey = explain([null, encodeEmbedded(new Map([[1, 99]])) as EncodedCbor, null]);
    expect(badKey?.[0]).toMatch(/^looks like an mdoc structure but is not valid: /);
  });
});

describe('shomei inspect: NDEF handover messages', () => {
  it('summarises the Annex D Handover Select with its carriers and engagement', async () => {
    const r = await run('inspect', '--hex', toHex(annexDBytes('nfc_handover_select')));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe(
      [
        'NFC Handover Select (Connection Handover 1.5), 3 records, 195 bytes',
        '  carriers:',
        '    1. Bluetooth LE (Media "application/vnd.bluetooth.le.oob", ID "0", 12 bytes; power state active, auxiliary data "mdoc")',
        '       LE role of the mdoc: central only (mdoc central client mode)',
        '       device address: 28:28:37:8b:12:28 (random)',
        '  iso.org:18013:deviceengagement record (88 bytes):',
        '    DeviceEngagement 1.0',
        '      cipher suite: 1',
        '      EDeviceKey: EC P-256',
        `        x: ${X}`,
        `        y: ${toHex(annexDBytes('e_device_key_y'))}`,
        '      device retrieval methods: none',
        '',
      ].join('\n'),
    );
  });

  it('summarises the Annex D Handover Request: collision resolution and the three carriers', async () => {
    const r = await run('inspect', '--hex', toHex(annexDBytes('nfc_handover_request')));
    expect(r.code).toBe(0);
    for (const line of [
      'NFC Handover Request (Connection Handover 1.5), 4 records, 205 bytes',
      '  collision resolution: 258',
      '    1. Bluetooth LE (Media "application/vnd.bluetooth.le.oob", ID "0", 30 bytes; power state active)',
      '       service UUID: 3a82d455-d5fc-4db3-bea0-6fd2f6ff32c8',
      '       device address: 28:bf:80:80:07:28 (random)',
      '    2. NFC (External "iso.org:18013:nfc", ID "nfc", 1 byte; power state active)',
      '       no maximum data lengths given',
      '    3. Wi-Fi Aware (Media "application/vnd.wfa.nan", ID "W", 43 bytes; power state active)',
    ]) {
      expect(r.out).toContain(`${line}\n`);
    }
  });

  it('--format json: the handover as a JSON object', async () => {
    const r = await run('inspect', '--format', 'json', '--hex', toHex(annexDBytes('nfc_handover_select')));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { ndef: string; version: string; carriers: { kind: string }[]; deviceEngagement: { bytes: string; version: string } };
    expect(j.ndef).toBe('handoverSelect');
    expect(j.version).toBe('1.5');
    expect(j.carriers.map((c) => c.kind)).toEqual(['ble']);
    expect(j.deviceEngagement.bytes).toBe(toHex(annexDBytes('device_engagement_nfc')));
    expect(j.deviceEngagement.version).toBe('1.0');
    const hr = JSON.parse((await run('inspect', '--format', 'json', '--hex', toHex(annexDBytes('nfc_handover_request')))).out) as { ndef: string; collisionResolution: number };
    expect(hr).toMatchObject({ ndef: 'handoverRequest', collisionResolution: 258 });
  });

  it('other NDEF messages: their records, and why a broken handover is not one', async () => {
    const uri = encodeNdefMessage([ndefRecord(TNF.WellKnown, 'U', Uint8Array.of(4, 0x61)), ndefRecord(TNF.Media, 'text/plain', Uint8Array.of(0x68, 0x69), 'x')]);
    const r = await run('inspect', '--hex', toHex(uri));
    expect(r.code).toBe(0);
    expect(r.out).toBe('NDEF message, 2 record(s), 23 bytes\n  1. Well Known "U", 2 bytes\n  2. Media "text/plain", ID "x", 2 bytes\n');
    // An Hs whose ac record names a record that is not there.
    const broken = encodeNdefMessage([ndefRecord(TNF.WellKnown, 'Hs', fromHex('15d1020461630101300000'.slice(0, 20))), ndefRecord(TNF.External, 'x:y', new Uint8Array(1))]);
    const b = explainNdef(broken);
    expect(b?.lines.at(-1)).toMatch(/^ {2}not a valid handover message: /);
  });

  it('still reports the CBOR error when the input is neither CBOR nor NDEF', async () => {
    const truncated = await run('inspect', '--hex', toHex(annexDBytes('nfc_handover_select').subarray(0, 60)));
    expect(truncated.code).toBe(1);
    expect(truncated.err).toMatch(/^shomei inspect: ERR_CBOR_[A-Z_]+: /);
    const ff = await run('inspect', '--hex', 'ff');
    expect(ff.code).toBe(1);
    expect(ff.err).toMatch(/^shomei inspect: ERR_CBOR_/);
    // CBOR that starts like an NDEF header stays CBOR.
    const array = await run('inspect', '--hex', '83010203', '--compact');
    expect(array.out).toBe('[1, 2, 3]\n');
    expect(explainNdef(fromHex('83010203'))).toBeUndefined();
    expect(explainNdef(annexDBytes('session_transcript_bytes'))).toBeUndefined();
    expect(explainNdef(fromHex('a10102'))).toBeUndefined();
  });
});
