/**
 * ISO/IEC 18013-5 Annex D, D.5.1 end to end at the session layer: rebuild the
 * SessionTranscriptBytes from the engagement and NFC handover, derive SKReader/SKDevice,
 * decrypt SessionEstablishment and SessionData to the D.4.1.1 DeviceRequest and D.4.1.2
 * DeviceResponse, and re-encrypt both to the identical published bytes.
 */
import { describe, expect, it } from 'vitest';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { toHex } from '../../src/internal/bytes.js';
import {
  buildSessionTranscript,
  decodeDeviceEngagement,
  decodeSessionData,
  decodeSessionEstablishment,
  deriveSessionKeys,
  encodeSessionData,
  encodeSessionEstablishment,
  ReaderSession,
  SessionCipher,
} from '../../src/session/index.js';
import { annexDBytes } from '../helpers/annex-d.js';
import { BACKENDS } from '../helpers/backends.js';

const eReader: EcPrivateKey = { kty: 'EC', crv: 'P-256', x: annexDBytes('e_reader_key_x'), y: annexDBytes('e_reader_key_y'), d: annexDBytes('e_reader_key_d') };
const eDevice: EcPrivateKey = { kty: 'EC', crv: 'P-256', x: annexDBytes('e_device_key_x'), y: annexDBytes('e_device_key_y'), d: annexDBytes('e_device_key_d') };

describe.each(BACKENDS)('Annex D D.5.1 session (%s)', (_name, backend) => {
  it('rebuilds SessionTranscriptBytes byte for byte from the engagement and the NFC handover', () => {
    const establishment = decodeSessionEstablishment(annexDBytes('session_establishment'));
    const transcript = buildSessionTranscript({
      deviceEngagement: annexDBytes('device_engagement_nfc'),
      eReaderKey: establishment.eReaderKeyBytes.bytes,
      handover: { kind: 'nfc', handoverSelect: annexDBytes('nfc_handover_select'), handoverRequest: annexDBytes('nfc_handover_request') },
    });
    expect(toHex(transcript.tagged)).toBe(toHex(annexDBytes('session_transcript_bytes')));
    const engagement = decodeDeviceEngagement(annexDBytes('device_engagement_qr'));
    expect(toHex(engagement.eDeviceKeyBytes.tagged)).toBe(toHex(annexDBytes('e_device_key_bytes')));
    expect(engagement.deviceRetrievalMethods).toEqual([{ type: 'ble', version: 1, options: { peripheralServerMode: false, centralClientMode: true, centralClientUuid: annexDBytes('device_engagement_qr').subarray(100, 116) } }]);
  });

  it('derives SKReader and SKDevice, decrypts both messages and re-encrypts them identically', async () => {
    const establishment = decodeSessionEstablishment(annexDBytes('session_establishment'));
    const transcript = buildSessionTranscript({
      deviceEngagement: annexDBytes('device_engagement_nfc'),
      eReaderKey: establishment.eReaderKeyBytes.bytes,
      handover: { kind: 'nfc', handoverSelect: annexDBytes('nfc_handover_select'), handoverRequest: annexDBytes('nfc_handover_request') },
    });
    const readerKeys = await deriveSessionKeys(eReader, establishment.eReaderKey.kty === 'EC' ? decodeDeviceEngagement(annexDBytes('device_engagement_nfc')).eDeviceKey : eDevice, transcript, { backend });
    const deviceKeys = await deriveSessionKeys(eDevice, establishment.eReaderKey, transcript, { backend });
    expect(toHex(readerKeys.skReader)).toBe(toHex(annexDBytes('sk_reader')));
    expect(toHex(readerKeys.skDevice)).toBe(toHex(annexDBytes('sk_device')));
    expect(deviceKeys).toEqual(readerKeys);

    const mdoc = new SessionCipher('mdoc', deviceKeys, { backend });
    const request = await mdoc.decrypt(establishment.data);
    expect(toHex(request)).toBe(toHex(annexDBytes('device_request')));
    const sessionData = decodeSessionData(annexDBytes('session_data'));
    const reader = new SessionCipher('reader', readerKeys, { backend });
    expect(toHex(encodeSessionEstablishment(establishment.eReaderKeyBytes, await reader.encrypt(request)))).toBe(toHex(annexDBytes('session_establishment')));
    const response = await reader.decrypt(sessionData.data!);
    expect(toHex(response)).toBe(toHex(annexDBytes('device_response')));
    expect(toHex(encodeSessionData({ data: await mdoc.encrypt(response) }))).toBe(toHex(annexDBytes('session_data')));
    expect(decodeSessionData(annexDBytes('session_termination'))).toEqual({ status: 20 });
    expect(toHex(encodeSessionData({ status: 20 }))).toBe(toHex(annexDBytes('session_termination')));
  });
});

describe.each(BACKENDS)('Annex D through ReaderSession (%s)', (_name, backend) => {
  it('sends the published SessionEstablishment byte for byte and verifies the published SessionData', async () => {
    const reader = await ReaderSession.fromEngagement(
      annexDBytes('device_engagement_nfc'),
      { kind: 'nfc', handoverSelect: annexDBytes('nfc_handover_select'), handoverRequest: annexDBytes('nfc_handover_request') },
      {
        eReaderKey: eReader,
        // The Annex D DS certificate names its CRL distribution point as a dNSName (see test/mdoc/annex-d.test.ts).
        verify: { trustAnchors: [annexDBytes('iaca_cert')], now: new Date('2020-10-01T13:30:02Z'), waive: ['DS_CRL_DP'] },
        backend,
      },
    );
    expect(toHex(reader.transcript.tagged)).toBe(toHex(annexDBytes('session_transcript_bytes')));
    expect(toHex(await reader.request(annexDBytes('device_request')))).toBe(toHex(annexDBytes('session_establishment')));
    const result = await reader.receive(annexDBytes('session_data'));
    if (result.kind !== 'response') throw new Error(result.kind);
    expect(result.verification.valid).toBe(true);
    const notPassed = [...result.verification.checks, ...result.verification.documents[0]!.checks].filter((c) => c.status !== 'passed');
    expect(notPassed.map((c) => `${c.id}:${c.status}`)).toEqual(['DS_CHAIN.REVOCATION:skipped', 'DS_CHAIN.DS_CRL_DP:waived']);
    expect(result.verification.documents[0]!.checks.find((c) => c.id === 'DEVICE_AUTH')?.detail).toBe('deviceMac');
    expect(toHex(reader.terminate())).toBe(toHex(annexDBytes('session_termination')));
  });
});
