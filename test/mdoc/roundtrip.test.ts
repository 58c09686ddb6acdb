/** issue → request → present → verify, on both backends, every curve, signature and MAC. */
import { describe, expect, it, vi } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { Curve, EcPublicKey } from '../../src/crypto/types.js';
import { encode, EncodedCbor } from '../../src/cbor/index.js';
import {
  buildDeviceRequest,
  buildDeviceResponse,
  decodeIssuerAuthPayload,
  decodeIssuerSigned,
  encodeDeviceResponse,
  encodeIssuerSigned,
  issueMdoc,
  MdocCheckId,
  verifyDeviceResponse,
} from '../../src/mdoc/index.js';
import { MdocError } from '../../src/errors.js';
import { BACKENDS } from '../helpers/backends.js';
import { deviceKey, MDL_DATA, NOW, testIssuer } from './fixtures.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const sessionTranscript = EncodedCbor.wrap(encode([null, null, ['test handover', 1]]), null).tagged;

const validity = { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 90 * 86_400_000) };

describe.each(BACKENDS)('issue → present → verify (%s)', (_name, backend) => {
  it.each([
    ['P-256', 'P-256', 'signature'],
    ['P-384', 'P-384', 'signature'],
    ['P-521', 'P-521', 'signature'],
    ['P-256', 'Ed25519', 'signature'],
    ['P-256', 'P-256', 'mac'],
    ['P-384', 'P-384', 'mac'],
    ['P-256', 'X25519', 'mac'],
  ] as const)('DS on %s, device key %s, %s', async (dsCurve, deviceCurve, auth) => {
    const issuer = await testIssuer(backend, dsCurve);
    const device = await deviceKey(backend, deviceCurve as Curve);
    const issuerSigned = await issueMdoc({
      docType: MDL,
      nameSpaces: MDL_DATA,
      deviceKey: publicKeyOf(device),
      validity,
      issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
      backend,
    });
    // Stored and read back by the wallet.
    const stored = decodeIssuerSigned(encodeIssuerSigned(issuerSigned));
    const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { family_name: false, portrait: false, age_over_20: true } } }]);
    const reader = auth === 'mac' ? await backend.generateKeyPair(deviceCurve === 'X25519' ? 'X25519' : (deviceCurve as 'P-256')) : undefined;
    const response = await buildDeviceResponse({
      documents: [{ issuerSigned: stored, deviceKey: device }],
      request,
      sessionTranscript,
      ...(reader === undefined ? {} : { mac: { eReaderKey: publicKeyOf(reader) as EcPublicKey } }),
      backend,
    });
    const result = await verifyDeviceResponse(encodeDeviceResponse(response), {
      trustAnchors: [issuer.iaca],
      sessionTranscript,
      request,
      now: NOW,
      ...(reader === undefined ? {} : { eReaderKey: reader }),
      backend,
    });
    const failed = result.documents.flatMap((d) => d.checks).filter((c) => c.status === 'failed');
    expect(failed).toEqual([]);
    expect(result.valid).toBe(true);
    const doc = result.documents[0]!;
    // Selective disclosure: only what was asked, and age_over_20 answered by age_over_21 (nearest true above).
    expect(Object.keys(doc.issuerSigned[NS]!).sort()).toEqual(['age_over_21', 'family_name', 'portrait']);
    expect(doc.issuerSigned[NS]!.age_over_21).toBe(true);
    expect(doc.checks.find((c) => c.id === MdocCheckId.DEVICE_AUTH)?.detail).toBe(auth === 'mac' ? 'deviceMac' : 'deviceSignature');
  });

  it('validity: signed ≤ validFrom ≤ validUntil (§9.1.2.4); signed defaults to a validFrom read from the clock just before', async () => {
    const issuer = await testIssuer(backend);
    const device = await deviceKey(backend);
    const issue = (v: { signed?: Date; validFrom: Date; validUntil: Date }) =>
      issueMdoc({ docType: MDL, nameSpaces: MDL_DATA, deviceKey: publicKeyOf(device), validity: v, issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] }, backend });
    const year = 365 * 86_400_000;
    // The clock is pinned (only Date is faked: promises and crypto run as usual), so the
    // "just before" window is tested exactly, whatever the machine's load.
    const clock = new Date('2026-03-01T12:00:00.400Z');
    vi.useFakeTimers({ toFake: ['Date'], now: clock });
    try {
      // validFrom taken from the clock 30 s ago (a slow caller, or a second boundary crossed): signed is validFrom.
      const from = new Date(Math.floor(clock.getTime() / 1000) * 1000 - 30_000);
      const mso = decodeIssuerAuthPayload((await issue({ validFrom: from, validUntil: new Date(from.getTime() + year) })).issuerAuth);
      expect(mso.validityInfo.signed.date).toEqual(from);
      expect(mso.validityInfo.validFrom.date).toEqual(from);
      // 61 s before is no longer "just before": signed is now, which is after validFrom.
      const justOutside = new Date(clock.getTime() - 61_000);
      await expect(issue({ validFrom: justOutside, validUntil: new Date(clock.getTime() + year) })).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT' });
      // Explicit values are checked as given.
      await expect(issue({ signed: NOW, validFrom: new Date(NOW.getTime() - 1000), validUntil: new Date(NOW.getTime() + year) })).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT' });
      await expect(issue({ signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() - 1000) })).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT' });
      // A future validFrom keeps signed at now (MSO dates are whole seconds).
      const later = new Date(clock.getTime() + 86_400_000);
      const future = decodeIssuerAuthPayload((await issue({ validFrom: later, validUntil: new Date(later.getTime() + year) })).issuerAuth);
      expect(future.validityInfo.signed.date).toEqual(new Date('2026-03-01T12:00:00Z'));
    } finally {
      vi.useRealTimers();
    }
  });

  it('issues random digestIDs below 2^31, fresh 32-byte salts, and no IACA in the x5chain', async () => {
    const issuer = await testIssuer(backend);
    const device = await deviceKey(backend);
    const issued = await issueMdoc({ docType: MDL, nameSpaces: MDL_DATA, deviceKey: publicKeyOf(device), validity, issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] }, backend });
    const items = issued.nameSpaces.get(NS)!.map((i) => i.value);
    const ids = items.map((i) => i.digestID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id >= 0 && id < 2 ** 31)).toBe(true);
    expect(ids).not.toEqual([...ids].sort((a, b) => a - b));
    expect(items.every((i) => i.random.length === 32)).toBe(true);
    expect(new Set(items.map((i) => Buffer.from(i.random).toString('hex'))).size).toBe(items.length);
    const mso = decodeIssuerAuthPayload(issued.issuerAuth);
    expect(mso.docType).toBe(MDL);
    expect(mso.validityInfo.signed.text).toBe('2026-06-01T00:00:00Z');
    await expect(
      issueMdoc({ docType: MDL, nameSpaces: MDL_DATA, deviceKey: publicKeyOf(device), validity, issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der, issuer.iaca.der] }, backend }),
    ).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT' });
    await expect(
      issueMdoc({ docType: MDL, nameSpaces: MDL_DATA, deviceKey: publicKeyOf(device), validity, issuer: { signer: issuer.iacaKey, certificates: [issuer.ds.der] }, backend }),
    ).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT' });
    await expect(
      issueMdoc({ docType: MDL, nameSpaces: MDL_DATA, deviceKey: publicKeyOf(device), validity, digestAlgorithm: 'MD5' as never, issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] }, backend }),
    ).rejects.toMatchObject({ code: 'ERR_MDOC_UNSUPPORTED' });
    await expect(
      issueMdoc({ docType: MDL, nameSpaces: MDL_DATA, deviceKey: publicKeyOf(device), validity, saltLength: 8, issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] }, backend }),
    ).rejects.toBeInstanceOf(MdocError);
  });
});
