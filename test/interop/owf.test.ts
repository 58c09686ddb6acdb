/**
 * Interop with @owf/mdoc 0.6.0 (devDependency), both directions, deviceSignature and
 * deviceMac, plus the ISO 18013-5 Annex D DeviceResponse through owf's verifier.
 * What owf does and gets wrong: shared/reference/typescript-peers.md §1.3, §2, §6.
 *
 * owf ships no cryptography; its `MdocContext` here is owf-context.mjs (node:crypto only).
 * The holder answers shomei's own DeviceRequest bytes, decoded by owf.
 */
import {
  CoseKey,
  DateOnly,
  DeviceKey,
  DeviceRequest as OwfDeviceRequest,
  DeviceResponse as OwfDeviceResponse,
  Holder,
  Issuer,
  SessionTranscript as OwfSessionTranscript,
  SignatureAlgorithm,
  type VerificationAssessment,
  Verifier,
} from '@owf/mdoc';
import { beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../src/cbor/index.js';
import { buildMacStructure, keyToJwk } from '../../src/cose/index.js';
import { webCryptoBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey, EcPublicKey } from '../../src/crypto/types.js';
import {
  buildDeviceRequest,
  buildDeviceResponse,
  type DeviceRequest,
  decodeDeviceResponse,
  deriveEMacKey,
  deviceAuthenticationBytes,
  encodeDeviceRequest,
  encodeDeviceResponse,
  issueMdoc,
  readSessionTranscript,
  verifyDeviceResponse,
} from '../../src/mdoc/index.js';
import { annexDBytes } from '../helpers/annex-d.js';
import { BACKENDS } from '../helpers/backends.js';
import {
  checksWithId,
  DISCLOSED,
  type InteropIssuer,
  interopIssuer,
  MDL,
  msoValidity,
  notPassed,
  NS,
  nowToTheSecond,
  peerElements,
  REVOCATION_SKIPPED,
  sessionTranscriptBytes,
  shomeiElements,
} from './fixtures.js';
import { owfContext } from './owf-context.mjs';

const now = nowToTheSecond();
const transcript = sessionTranscriptBytes();
/** The float namespace: 1.75's preferred encoding is a half float (f9 3f00). */
const MEASURES = 'jp.example.measures';

/** A CoseKey for owf from a shomei key (owf's `fromJwk` maps only P-256 correctly: its crv table has "p-384"). */
function coseKey(key: EcPrivateKey | EcPublicKey, extra: Record<string, unknown> = {}): CoseKey {
  return CoseKey.fromJwk({ ...keyToJwk(key), ...extra });
}

/** Run owf's Verifier with a collecting callback (its default throws on the first failure). */
async function owfVerify(
  bytes: Uint8Array,
  options: { trusted: Uint8Array; transcript: Uint8Array; now: Date; request?: DeviceRequest; readerKey?: EcPrivateKey },
): Promise<VerificationAssessment[]> {
  const checks: VerificationAssessment[] = [];
  await Verifier.verifyDeviceResponse(
    {
      deviceResponse: bytes,
      sessionTranscript: options.transcript,
      trustedCertificates: [options.trusted],
      now: options.now,
      onCheck: (c) => checks.push(c),
      ...(options.request === undefined ? {} : { deviceRequest: OwfDeviceRequest.decode(encodeDeviceRequest(options.request)) }),
      ...(options.readerKey === undefined ? {} : { ephemeralReaderKey: coseKey(options.readerKey) }),
    },
    owfContext(),
  );
  return checks;
}

const failed = (checks: readonly VerificationAssessment[]) => checks.filter((c) => c.status === 'FAILED').map((c) => c.check);

describe('@owf/mdoc 0.6.0 issues and presents, shomei verifies', () => {
  let issuer: InteropIssuer;
  let device: EcPrivateKey;
  let reader: EcPrivateKey;
  let request: DeviceRequest;
  /** digestIDs kept below 2^31 by the context (what 0.7.0 does). */
  let signed: Uint8Array;
  let maced: Uint8Array;
  /** As 0.6.0 ships: digestIDs from all 32 bits (here forced to the upper half). */
  let highIds: Uint8Array;
  /** Issuer and device keys with a `kid`. */
  let withKid: Uint8Array;

  beforeAll(async () => {
    issuer = await interopIssuer(webCryptoBackend, now);
    device = await webCryptoBackend.generateKeyPair('P-256');
    reader = await webCryptoBackend.generateKeyPair('P-256');
    request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: Object.fromEntries(DISCLOSED.map((e) => [e, false])) } }]);
    const owfRequest = OwfDeviceRequest.decode(encodeDeviceRequest(request));
    const issue = (ctx: ReturnType<typeof owfContext>, kid?: string) =>
      new Issuer(MDL, ctx).addIssuerNamespace(NS, peerElements((d) => new DateOnly(d))).sign({
        signingKey: coseKey(issuer.dsKey, kid === undefined ? {} : { kid }),
        certificates: [issuer.ds.der],
        algorithm: SignatureAlgorithm.ES256,
        digestAlgorithm: 'SHA-256',
        deviceKeyInfo: { deviceKey: DeviceKey.fromJwk({ ...keyToJwk(publicKeyOf(device)) }) },
        validityInfo: msoValidity(now),
      });
    const present = async (ctx: ReturnType<typeof owfContext>, issued: Awaited<ReturnType<typeof issue>>, auth: 'signature' | 'mac', kid?: string) => {
      // The device key carries alg ES256: owf puts the key's alg into the protected header of
      // the deviceSignature, and (wrongly) of the deviceMac too.
      const signingKey = coseKey(device, { alg: 'ES256', ...(kid === undefined ? {} : { kid }) });
      const response = await Holder.createDeviceResponseForDeviceRequest(
        {
          deviceRequest: owfRequest,
          sessionTranscript: transcript,
          issuerSigned: [issued],
          ...(auth === 'signature' ? { signature: { signingKey } } : { mac: { signingKey, ephemeralKey: coseKey(publicKeyOf(reader)) } }),
        },
        ctx,
      );
      return response.encode();
    };
    const low = owfContext({ digestIdsBelow2p31: true });
    const issued = await issue(low);
    signed = await present(low, issued, 'signature');
    maced = await present(low, issued, 'mac');
    const high = owfContext({ digestIdsAbove2p31: true });
    highIds = await present(high, await issue(high), 'signature');
    withKid = await present(low, await issue(low, 'ds-1'), 'signature', 'dev-1');
  });

  describe.each(BACKENDS)('shomei on %s', (_name, backend) => {
    it('deviceSignature (digestIDs below 2^31): valid, the 5 requested elements, answering shomei’s DeviceRequest', async () => {
      const result = await verifyDeviceResponse(signed, { trustAnchors: [issuer.iaca], sessionTranscript: transcript, request, now, backend });
      expect(notPassed(result)).toEqual([REVOCATION_SKIPPED]);
      expect(result.valid).toBe(true);
      const doc = result.documents[0]!;
      expect(Object.keys(doc.issuerSigned[NS]!).sort()).toEqual([...DISCLOSED].sort());
      expect(String(doc.issuerSigned[NS]!.birth_date)).toBe('1990-04-01');
      expect(doc.issuerSigned[NS]!.portrait).toHaveLength(10 * 1024);
      expect(checksWithId(result, 'REQUESTED_ELEMENT').every((c) => c.status === 'passed')).toBe(true);
    });

    it('digestIDs ≥ 2^31, as 0.6.0 draws them: shomei accepts them (the CDDL says uint) and verifies', async () => {
      // owf 0.6.0 draws each digestID from 32 random bits (`randomUnsignedInteger`), so about
      // half of them are ≥ 2^31. Interop profiles ask issuers to stay below 2^31 (mdoc-ts#171,
      // fixed in 0.7.0; reference §2, "MSO creation") and shomei issues them so, but the
      // CDDL type is uint, so a verifier accepts larger ones.
      const owfDoc = OwfDeviceResponse.decode(highIds).documents![0]!;
      const ids = [...owfDoc.issuerSigned.issuerAuth.mobileSecurityObject.valueDigests.valueDigests.get(NS)!.keys()];
      expect(ids.every((id) => id >= 2 ** 31)).toBe(true);
      const result = await verifyDeviceResponse(highIds, { trustAnchors: [issuer.iaca], sessionTranscript: transcript, now, backend });
      expect(notPassed(result)).toEqual([REVOCATION_SKIPPED]);
      expect(result.valid).toBe(true);
      // owf accepts its own output.
      expect(failed(await owfVerify(highIds, { trusted: issuer.iaca.der, transcript, now }))).toEqual([]);
    });

    it('kid as a text string (0.6.0), unprotected: shomei ignores it and verifies', async () => {
      // owf 0.6.0 writes the COSE `kid` header as a tstr (reference §2, "MSO creation"; fixed
      // to bstr in 0.7.0). RFC 9052 §3.1 makes it a bstr, but it sits in the unprotected
      // bucket, which is not signed, and shomei does not use kid.
      const doc = decodeDeviceResponse(withKid).documents[0]!;
      expect(doc.issuerSigned.issuerAuth.unprotectedHeaders.get(4)).toBe('ds-1');
      const result = await verifyDeviceResponse(withKid, { trustAnchors: [issuer.iaca], sessionTranscript: transcript, now, backend });
      expect(notPassed(result)).toEqual([REVOCATION_SKIPPED]);
      expect(result.valid).toBe(true);
    });

    it('deviceMac: owf puts the device key’s alg (ES256, -7) in the protected header and leaves external_aad out of MAC_structure; DEVICE_AUTH passes, both named as deviations, valid once tolerated', async () => {
      // Two faults in owf 0.6.0's holder MAC:
      // 1. reference §2, "deviceMac": the protected alg is the device key's (-7), not 5.
      // 2. Found here (not in the reference): `Mac0.toBeAuthenticated` pushes external_aad
      //    only when one is given, so the tag is over ["MAC0", protected, payload], not the
      //    RFC 9052 §6.3 MAC_structure ["MAC0", protected, external_aad, payload] with an
      //    empty bstr. The EMacKey and DeviceAuthenticationBytes themselves are right.
      const options = { trustAnchors: [issuer.iaca], sessionTranscript: transcript, eReaderKey: reader, now, backend };
      const result = await verifyDeviceResponse(maced, options);
      expect(notPassed(result)).toEqual([REVOCATION_SKIPPED, 'DEVIATION.DEVICE_MAC_ALG:failed', 'DEVIATION.DEVICE_MAC_STRUCTURE:failed']);
      expect(checksWithId(result, 'DEVIATION.DEVICE_MAC_ALG')[0]?.detail).toMatch(/-7/);
      expect(checksWithId(result, 'DEVICE_AUTH')[0]?.status).toBe('passed');
      const tolerated = await verifyDeviceResponse(maced, { ...options, tolerate: ['DEVICE_MAC_ALG', 'DEVICE_MAC_STRUCTURE'] });
      expect(tolerated.valid).toBe(true);
      const doc = decodeDeviceResponse(maced).documents[0]!;
      const auth = doc.deviceSigned!.deviceAuth;
      if (!('deviceMac' in auth)) throw new Error('expected a deviceMac');
      expect(auth.deviceMac.protectedHeaders.get(1)).toBe(-7);
      const st = readSessionTranscript(transcript);
      const key = await deriveEMacKey(reader, publicKeyOf(device), st, { backend });
      const payload = deviceAuthenticationBytes(st, MDL, doc.deviceSigned!.nameSpaces);
      const hmac = async (structure: Uint8Array) => Buffer.from(await backend.hmac('SHA-256', key, structure));
      const tag = Buffer.from(auth.deviceMac.tag);
      expect(tag.equals(await hmac(buildMacStructure(auth.deviceMac.protectedBytes, new Uint8Array(0), payload)))).toBe(false);
      expect(tag.equals(await hmac(encode(['MAC0', auth.deviceMac.protectedBytes, payload])))).toBe(true);
    });
  });
});

describe.each(BACKENDS)('shomei (%s) issues and presents, @owf/mdoc verifies', (_name, backend) => {
  let issuer: InteropIssuer;
  let device: EcPrivateKey;
  let request: DeviceRequest;

  beforeAll(async () => {
    issuer = await interopIssuer(backend, now);
    device = await backend.generateKeyPair('P-256');
    request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: Object.fromEntries(DISCLOSED.map((e) => [e, false])) } }]);
  });

  async function present(options: { mac?: EcPublicKey; measures?: boolean } = {}): Promise<Uint8Array> {
    const issuerSigned = await issueMdoc({
      docType: MDL,
      nameSpaces: { [NS]: shomeiElements(), ...(options.measures ? { [MEASURES]: { height_m: 1.75 } } : {}) },
      deviceKey: publicKeyOf(device),
      validity: msoValidity(now),
      issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
      backend,
    });
    const wanted = options.measures
      ? await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { family_name: false }, [MEASURES]: { height_m: false } } }])
      : request;
    const response = await buildDeviceResponse({
      documents: [{ issuerSigned, deviceKey: device }],
      request: wanted,
      sessionTranscript: transcript,
      ...(options.mac === undefined ? {} : { mac: { eReaderKey: options.mac } }),
      backend,
    });
    return encodeDeviceResponse(response);
  }

  it('deviceSignature: every owf check passes, including the match against the DeviceRequest', async () => {
    const checks = await owfVerify(await present(), { trusted: issuer.iaca.der, transcript, now, request });
    expect(failed(checks)).toEqual([]);
    expect(checks.map((c) => c.check)).toEqual(expect.arrayContaining(['Device signature must be valid', 'Device Response did match the Device Request']));
    expect(checks.filter((c) => c.check.startsWith('The calculated digest for'))).toHaveLength(5);
  });

  it('deviceMac: owf’s verifier is broken and fails every MAC ("Device MAC must use alg 5"); the issuer-side checks pass', async () => {
    // reference §2, "deviceMac" (BROKEN in 0.6.0): owf compares `signatureAlgorithmName`
    // ('HS256') with the enum value MacAlgorithm.HS256 (5), so the check fails for every
    // MAC, and verification stops before the tag is looked at. shomei's deviceMac here has
    // protected alg 5 (HMAC 256/256); auth0 verifies the same kind of response.
    const reader = await backend.generateKeyPair('P-256');
    const bytes = await present({ mac: publicKeyOf(reader) });
    const doc = decodeDeviceResponse(bytes).documents[0]!;
    const auth = doc.deviceSigned!.deviceAuth;
    expect('deviceMac' in auth && auth.deviceMac.protectedHeaders.get(1)).toBe(5);
    const checks = await owfVerify(bytes, { trusted: issuer.iaca.der, transcript, now, request, readerKey: reader });
    expect(failed(checks)).toEqual(['Device MAC must use alg 5 (HMAC 256/256)']);
    expect(checks.filter((c) => c.category === 'DEVICE_AUTH').map((c) => c.status)).toEqual(['FAILED']);
    expect(checks.filter((c) => c.category === 'ISSUER_AUTH' && c.status === 'PASSED')).toHaveLength(5);
  });

  it('an element whose preferred encoding is a half float: owf digests a float64 re-encoding and fails it; shomei verifies it', async () => {
    // reference §2, "Tag 24 handling" (owf P, bug; mdoc-ts#247): owf digests a re-encode of
    // each IssuerSignedItem, not the received tag-24 bytes. shomei encodes 1.75 in its
    // shortest form (f9 3f00, RFC 8949 §4.2.1); cbor-x re-encodes it as a float64, so the
    // digest differs. The other element (a text string) re-encodes identically and passes.
    const bytes = await present({ measures: true });
    expect(Buffer.from(bytes).includes(Buffer.from('f93f00', 'hex'))).toBe(true);
    const checks = await owfVerify(bytes, { trusted: issuer.iaca.der, transcript, now });
    expect(failed(checks)).toEqual([`The calculated digest for ${MEASURES}/height_m attribute must match the digest in the issuerAuth element`]);
    const ours = await verifyDeviceResponse(bytes, { trustAnchors: [issuer.iaca], sessionTranscript: transcript, now, backend });
    expect(notPassed(ours)).toEqual([REVOCATION_SKIPPED]);
  });
});

describe('ISO 18013-5 Annex D DeviceResponse through @owf/mdoc (informational)', () => {
  it('issuer signature, chain and every digest pass at 2020-10-01; the deviceMac fails owf’s broken alg check', async () => {
    const eReaderKey: EcPrivateKey = {
      kty: 'EC',
      crv: 'P-256',
      x: annexDBytes('e_reader_key_x'),
      y: annexDBytes('e_reader_key_y'),
      d: annexDBytes('e_reader_key_d'),
    };
    const checks = await owfVerify(annexDBytes('device_response'), {
      trusted: annexDBytes('iaca_cert'),
      transcript: annexDBytes('session_transcript_bytes'),
      now: new Date('2020-10-01T13:30:02Z'),
      readerKey: eReaderKey,
    });
    // The same failure as for shomei's MAC above (reference §6, "Annex D deviceMac": owf FAIL);
    // shomei verifies this response with every check passing (test/mdoc/annex-d.test.ts).
    expect(failed(checks)).toEqual(['Device MAC must use alg 5 (HMAC 256/256)']);
    expect(checks.filter((c) => c.check.startsWith('The calculated digest for') && c.status === 'PASSED')).toHaveLength(6);
    expect(checks.find((c) => c.check === 'Issuer certificate must be valid')?.status).toBe('PASSED');
  });
});

it('owf decodes the OpenID4VP SessionTranscript and re-encodes it to the same bytes (it rebuilds DeviceAuthentication from a re-encode)', () => {
  const reencoded = OwfSessionTranscript.decode(transcript).encode({ asDataItem: true });
  expect(Buffer.from(reencoded).equals(Buffer.from(transcript))).toBe(true);
});
