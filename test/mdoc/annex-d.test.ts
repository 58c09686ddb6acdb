/**
 * ISO/IEC 18013-5 Annex D end to end at the mdoc layer: the D.4.1.2 DeviceResponse
 * (IssuerAuth + deviceMac) and the D.4.1.1 DeviceRequest (ReaderAuth), and tampered copies
 * that must each fail the right check.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/cbor/index.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import {
  assertValid,
  decodeDeviceRequest,
  decodeDeviceResponse,
  encodeDeviceRequest,
  encodeDeviceResponse,
  readerAuthCertificates,
  readSessionTranscript,
  type VerifyDeviceResponseOptions,
  verifyDeviceResponse,
  verifyReaderAuthSignature,
} from '../../src/mdoc/index.js';
import { parseCertificate, verifyReaderChain } from '../../src/x509/index.js';
import { annexDBytes } from '../helpers/annex-d.js';
import { BACKENDS } from '../helpers/backends.js';

const eReaderKey: EcPrivateKey = {
  kty: 'EC',
  crv: 'P-256',
  x: annexDBytes('e_reader_key_x'),
  y: annexDBytes('e_reader_key_y'),
  d: annexDBytes('e_reader_key_d'),
};

/**
 * The Annex D document signer certificate names its CRL distribution point as a dNSName
 * (`example.com`); ISO 18013-5 Annex B wants a URI there, so that one profile check is
 * waived explicitly (and the report shows it as waived).
 */
const WAIVE = ['DS_CRL_DP'];

const options = (backend: VerifyDeviceResponseOptions['backend']): VerifyDeviceResponseOptions => ({
  trustAnchors: [annexDBytes('iaca_cert')],
  sessionTranscript: annexDBytes('session_transcript_bytes'),
  eReaderKey,
  now: new Date('2020-10-01T13:30:02Z'),
  waive: WAIVE,
  ...(backend === undefined ? {} : { backend }),
});

function statusOf(result: Awaited<ReturnType<typeof verifyDeviceResponse>>, id: string): string[] {
  return [...result.checks, ...result.documents.flatMap((d) => d.checks)].filter((c) => c.id === id).map((c) => c.status);
}

describe.each(BACKENDS)('Annex D D.4.1.2 DeviceResponse (%s)', (_name, backend) => {
  it('verifies with every check passing (one Annex B check waived, see WAIVE)', async () => {
    const result = await verifyDeviceResponse(annexDBytes('device_response'), options(backend));
    expect(result.valid).toBe(true);
    const doc = result.documents[0]!;
    const notPassed = [...result.checks, ...doc.checks].filter((c) => c.status !== 'passed');
    expect(notPassed.map((c) => `${c.id}:${c.status}`)).toEqual(['DS_CHAIN.REVOCATION:skipped', 'DS_CHAIN.DS_CRL_DP:waived']);
    expect(doc.checks.filter((c) => c.id === 'VALUE_DIGEST' && c.status === 'passed')).toHaveLength(6);
    expect(statusOf(result, 'DEVICE_AUTH')).toEqual(['passed']);
    expect(doc.checks.find((c) => c.id === 'DEVICE_AUTH')?.detail).toBe('deviceMac');
    expect(doc.issuerSigned['org.iso.18013.5.1']!.family_name).toBe('Doe');
    expect(String(doc.issuerSigned['org.iso.18013.5.1']!.issue_date)).toBe('2019-10-20');
    expect(doc.documentSigner?.subject.text).toBe('C=US,CN=utopia ds');
    expect(doc.trustAnchor?.subject.text).toBe('C=US,CN=utopia iaca');
  });

  it('still verifies after a decode and re-encode (every signed byte is kept as received)', async () => {
    const again = encodeDeviceResponse(decodeDeviceResponse(annexDBytes('device_response')));
    expect(toHex(again)).not.toBe(toHex(annexDBytes('device_response')));
    expect((await verifyDeviceResponse(again, options(backend))).valid).toBe(true);
  });

  it('fails VALUE_DIGEST when one byte of an element value changes', async () => {
    const hex = toHex(annexDBytes('device_response'));
    expect(hex.split('63446f65').length).toBe(2);
    const result = await verifyDeviceResponse(fromHex(hex.replace('63446f65', '63446f66')), options(backend));
    expect(result.valid).toBe(false);
    const digest = result.documents[0]!.checks.filter((c) => c.id === 'VALUE_DIGEST');
    expect(digest.filter((c) => c.status === 'failed').map((c) => c.element)).toEqual(['family_name']);
    expect(result.documents[0]!.issuerSigned['org.iso.18013.5.1']!.family_name).toBe('Dof');
  });

  it('fails ISSUER_SIGNATURE when the IssuerAuth signature changes, and MSO changes break it too', async () => {
    const response = decode(annexDBytes('device_response')) as Map<string, unknown>;
    const doc = (response.get('documents') as Map<string, unknown>[])[0]!;
    const auth = (doc.get('issuerSigned') as Map<string, unknown>).get('issuerAuth') as Uint8Array[];
    auth[3] = auth[3]!.map((b, i) => (i === 10 ? b ^ 1 : b));
    const result = await verifyDeviceResponse(encode(response as never), options(backend));
    expect(statusOf(result, 'ISSUER_SIGNATURE')).toEqual(['failed']);
    expect(result.valid).toBe(false);
  });

  it('fails MSO_VALIDITY and DS_CHAIN.VALIDITY years later', async () => {
    const result = await verifyDeviceResponse(annexDBytes('device_response'), { ...options(backend), now: new Date('2030-01-01T00:00:00Z') });
    expect(result.valid).toBe(false);
    expect(() => assertValid(result)).toThrow(expect.objectContaining({ code: 'ERR_MDOC_INVALID', check: 'DS_CHAIN.VALIDITY' }));
    expect(statusOf(result, 'MSO_VALIDITY')).toEqual(['failed']);
    expect(statusOf(result, 'DS_CHAIN.VALIDITY')).toEqual(['failed']);
  });

  it('fails MSO_DOCTYPE and DEVICE_AUTH when the document is relabelled', async () => {
    const response = decode(annexDBytes('device_response')) as Map<string, unknown>;
    const doc = (response.get('documents') as Map<string, unknown>[])[0]!;
    doc.set('docType', 'org.iso.23220.1.jp.mnc');
    const result = await verifyDeviceResponse(encode(response as never), options(backend));
    expect(statusOf(result, 'MSO_DOCTYPE')).toEqual(['failed']);
    expect(statusOf(result, 'DEVICE_AUTH')).toEqual(['failed']);
    expect(result.valid).toBe(false);
  });

  it('fails DEVICE_AUTH with another SessionTranscript, without one, and without the reader key', async () => {
    const swapped = await verifyDeviceResponse(annexDBytes('device_response'), {
      ...options(backend),
      sessionTranscript: fromHex('d81844' + '83f6f6f6'),
    });
    expect(statusOf(swapped, 'DEVICE_AUTH')).toEqual(['failed']);
    const { sessionTranscript: _t, ...noTranscript } = options(backend);
    expect(statusOf(await verifyDeviceResponse(annexDBytes('device_response'), noTranscript), 'DEVICE_AUTH')).toEqual(['failed']);
    const { eReaderKey: _k, ...noKey } = options(backend);
    const r = await verifyDeviceResponse(annexDBytes('device_response'), noKey);
    expect(statusOf(r, 'DEVICE_AUTH')).toEqual(['failed']);
    expect(r.valid).toBe(false);
  });

  it('fails DS_CHAIN against the wrong trust anchor', async () => {
    const result = await verifyDeviceResponse(annexDBytes('device_response'), { ...options(backend), trustAnchors: [annexDBytes('reader_root_cert')] });
    expect(statusOf(result, 'DS_CHAIN')).toEqual(['failed']);
    expect(statusOf(result, 'DS_CHAIN.TRUST_ANCHOR')).toEqual(['failed']);
    expect(result.valid).toBe(false);
  });

  it('checks the request: everything returned was asked for', async () => {
    const ok = await verifyDeviceResponse(annexDBytes('device_response'), { ...options(backend), request: annexDBytes('device_request') });
    expect(ok.valid).toBe(true);
    expect(statusOf(ok, 'REQUESTED_ELEMENT').every((s) => s === 'passed')).toBe(true);
    expect(statusOf(ok, 'REQUESTED_DOCTYPE')).toEqual(['passed']);
  });
});

describe.each(BACKENDS)('Annex D D.4.1.1 DeviceRequest (%s)', (_name, backend) => {
  it('decodes, and its ReaderAuth verifies and chains to the reader root, also after re-encoding', async () => {
    const bytes = annexDBytes('device_request');
    // Re-encoding sorts the map keys (deterministic encoding); ItemsRequestBytes and ReaderAuth stay as received.
    const request = decodeDeviceRequest(encodeDeviceRequest(decodeDeviceRequest(bytes)));
    expect(request.version).toBe('1.0');
    const dr = request.docRequests[0]!;
    expect(dr.itemsRequest.value.docType).toBe('org.iso.18013.5.1.mDL');
    expect([...dr.itemsRequest.value.nameSpaces.get('org.iso.18013.5.1')!.keys()]).toEqual([
      'family_name',
      'document_number',
      'driving_privileges',
      'issue_date',
      'expiry_date',
      'portrait',
    ]);
    const chain = readerAuthCertificates(dr.readerAuth!);
    expect(toHex(chain[0]!)).toBe(toHex(annexDBytes('reader_cert')));
    const transcript = readSessionTranscript(annexDBytes('session_transcript_bytes'));
    const key = parseCertificate(chain[0]!).publicKey;
    expect(await verifyReaderAuthSignature(dr, transcript, key as never, { backend })).toBe(true);
    const report = await verifyReaderChain(chain, { anchors: [annexDBytes('reader_root_cert')], now: new Date('2020-10-01T13:30:02Z'), backend });
    // The Annex D reader certificate's CRL DP is a dNSName too (READER_CRL_DP wants a URI).
    expect(report.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(report.valid ? [] : ['READER_CRL_DP']);
    expect(report.checks.find((c) => c.id === 'SIGNATURE')?.status).toBe('passed');
    expect(report.checks.find((c) => c.id === 'TRUST_ANCHOR')?.status).toBe('passed');
    const wrong = readSessionTranscript(fromHex('83f6f6f6'));
    expect(await verifyReaderAuthSignature(dr, wrong, key as never, { backend })).toBe(false);
  });
});
