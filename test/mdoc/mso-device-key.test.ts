/**
 * An MSO whose device key cannot be used (ISO/IEC 18013-5 §9.1.2.4: DeviceKey is a COSE_Key)
 * is still read: the issuer signature, the value digests, validity and docType are checked and
 * reported as usual, while MSO_STRUCTURE and DEVICE_AUTH fail naming the key's problem, so the
 * document is never valid (with every deviation tolerated too) and no device check passes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CborValue } from '../../src/cbor/index.js';
import { encodeCoseKey } from '../../src/cose/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import {
  buildDeviceResponse,
  decodeDeviceResponse,
  decodeIssuerAuthPayload,
  encodeIssuerSigned,
  type IssuerSigned,
  MDOC_DEVIATIONS,
  MdocCheckId,
  verifyDeviceResponse,
  verifyIssuerSigned,
} from '../../src/mdoc/index.js';
import { baseIssuerSigned, FIXTURE_NOW, type Parties, parties, present, resign, withIssuerAuth } from '../interop/field-fixtures.js';

const NOW = new Date(FIXTURE_NOW);
const DOCTYPE = 'org.iso.18013.5.1.mDL';

let p: Parties;
let base: IssuerSigned;
/** The baseline, presented: its deviceSignature stays valid whatever IssuerAuth is put in. */
let presented: Awaited<ReturnType<typeof present>>;

/** IssuerSigned whose MSO's deviceKey is `key`, signed again by the DS. */
const withDeviceKey = (key: CborValue) =>
  resign(p, base, {
    edit: (mso) => {
      const dki = new Map(mso.get('deviceKeyInfo') as Map<string, CborValue>);
      dki.set('deviceKey', key);
      mso.set('deviceKeyInfo', dki);
    },
  });

beforeAll(async () => {
  p = await parties();
  base = await baseIssuerSigned(p);
  presented = await present(p, base);
});

/** The three unusable keys of the brief: a bstr (the COSE_Key encoded once more), an unknown curve, a point off the curve. */
const cases: [string, () => CborValue, RegExp][] = [
  ['a byte string (the COSE_Key encoded as bytes)', () => Uint8Array.from([0xa4, 0x01, 0x02]), /expected a COSE_Key map, got a byte string/],
  ['a key on an unknown curve (crv 99)', () => encodeCoseKey(publicKeyOf(p.device)).set(-1, 99), /unsupported COSE_Key curve 99/],
  [
    'a point off the curve',
    () => {
      const y = (encodeCoseKey(publicKeyOf(p.device)).get(-3) as Uint8Array).slice();
      y[31] = y[31]! ^ 1;
      return encodeCoseKey(publicKeyOf(p.device)).set(-3, y);
    },
    /not a point on P-256/,
  ],
];

describe.each(cases)('an MSO whose device key is %s', (_name, key, reason) => {
  const statuses = (checks: readonly { id: string; status: string }[], id: string) => checks.filter((c) => c.id === id).map((c) => c.status);

  it('decodes: deviceKey is undefined and deviceKeyError names the path and the reason', async () => {
    const is = await withDeviceKey(key());
    const mso = decodeIssuerAuthPayload(is.issuerAuth);
    expect(mso.deviceKeyInfo.deviceKey).toBeUndefined();
    expect(mso.deviceKeyInfo.deviceKeyError?.path).toBe('issuerAuth.payload.mso.deviceKeyInfo.deviceKey');
    expect(mso.deviceKeyInfo.deviceKeyError?.detail).toMatch(reason);
    expect(mso.docType).toBe(DOCTYPE);
  });

  it('verifyDeviceResponse reports every other MSO check; MSO_STRUCTURE and DEVICE_AUTH fail naming the key; never valid, even tolerating every deviation', async () => {
    const bytes = withIssuerAuth(presented, await withDeviceKey(key()));
    for (const tolerate of [[], MDOC_DEVIATIONS]) {
      const r = await verifyDeviceResponse(bytes, { trustAnchors: [p.iaca], sessionTranscript: p.transcript, now: NOW, backend: p.backend, tolerate });
      const doc = r.documents[0]!;
      expect(r.valid).toBe(false);
      expect(doc.valid).toBe(false);
      const structure = doc.checks.find((c) => c.id === MdocCheckId.MSO_STRUCTURE);
      expect(structure?.status).toBe('failed');
      expect(structure?.detail).toMatch(/deviceKeyInfo\.deviceKey/);
      expect(structure?.detail).toMatch(reason);
      const auth = doc.checks.filter((c) => c.id === MdocCheckId.DEVICE_AUTH);
      expect(auth.map((c) => c.status)).toEqual(['failed']);
      expect(auth[0]!.detail).toMatch(/device key/);
      expect(auth[0]!.detail).toMatch(reason);
      for (const id of [MdocCheckId.ISSUER_SIGNATURE, MdocCheckId.DS_CHAIN, MdocCheckId.MSO_VERSION, MdocCheckId.MSO_DOCTYPE, MdocCheckId.MSO_VALIDITY, MdocCheckId.MSO_SIGNED_IN_DS_VALIDITY, MdocCheckId.DIGEST_ALGORITHM]) {
        expect(statuses(doc.checks, id), id).toEqual(['passed']);
      }
      const digests = statuses(doc.checks, MdocCheckId.VALUE_DIGEST);
      expect(digests).toHaveLength(4);
      expect(new Set(digests)).toEqual(new Set(['passed']));
      // No device check passes for a key that cannot be used.
      expect(doc.checks.filter((c) => c.id.startsWith('DEVICE') && c.id !== MdocCheckId.DEVICE_SIGNED_AUTHORIZED && c.status === 'passed')).toEqual([]);
      expect(doc.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual([MdocCheckId.MSO_STRUCTURE, MdocCheckId.DEVICE_AUTH]);
      expect(doc.mso?.deviceKeyInfo.deviceKey).toBeUndefined();
    }
  });

  it('verifyIssuerSigned (no device authentication) is not valid either: MSO_STRUCTURE fails, the digests are checked', async () => {
    const doc = decodeDeviceResponse(withIssuerAuth(presented, await withDeviceKey(key()))).documents[0]!;
    const r = await verifyIssuerSigned(encodeIssuerSigned(doc.issuerSigned), { trustAnchors: [p.iaca], now: NOW, docType: DOCTYPE, backend: p.backend, tolerate: MDOC_DEVIATIONS });
    expect(r.valid).toBe(false);
    expect(r.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual([MdocCheckId.MSO_STRUCTURE]);
    expect(r.checks.find((c) => c.id === MdocCheckId.MSO_STRUCTURE)?.detail).toMatch(reason);
    expect(statuses(r.checks, MdocCheckId.MSO_VALIDITY)).toEqual(['passed']);
    expect(new Set(statuses(r.checks, MdocCheckId.VALUE_DIGEST))).toEqual(new Set(['passed']));
  });

  it('a holder cannot present it: buildDeviceResponse throws ERR_MDOC_STRUCTURE at the key', async () => {
    const is = await withDeviceKey(key());
    const build = buildDeviceResponse({ documents: [{ issuerSigned: is, deviceKey: p.device }], elements: { 'org.iso.18013.5.1': ['family_name'] }, sessionTranscript: p.transcript, backend: p.backend });
    await expect(build).rejects.toMatchObject({ code: 'ERR_MDOC_STRUCTURE', message: expect.stringMatching(/documents\[0\]\.issuerAuth\.payload\.mso\.deviceKeyInfo\.deviceKey/) });
  });
});

describe('a usable device key', () => {
  it('decodes with no deviceKeyError, and MSO_STRUCTURE passes', async () => {
    const mso = decodeIssuerAuthPayload(base.issuerAuth);
    expect(mso.deviceKeyInfo.deviceKey).toEqual(publicKeyOf(p.device));
    expect(mso.deviceKeyInfo.deviceKeyError).toBeUndefined();
    const r = await verifyDeviceResponse(withIssuerAuth(presented, base), { trustAnchors: [p.iaca], sessionTranscript: p.transcript, now: NOW, backend: p.backend });
    expect(r.valid).toBe(true);
  });

  it('a missing deviceKey is still a structure error of the whole MSO (a required member, like docType)', async () => {
    const is = await resign(p, base, {
      edit: (mso) => {
        const dki = new Map(mso.get('deviceKeyInfo') as Map<string, CborValue>);
        dki.delete('deviceKey');
        mso.set('deviceKeyInfo', dki);
      },
    });
    expect(() => decodeIssuerAuthPayload(is.issuerAuth)).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STRUCTURE' }));
    const r = await verifyDeviceResponse(withIssuerAuth(presented, is), { trustAnchors: [p.iaca], sessionTranscript: p.transcript, now: NOW, backend: p.backend });
    expect(r.documents[0]!.checks.find((c) => c.id === MdocCheckId.DEVICE_AUTH)?.status).toBe('failed');
    expect(r.valid).toBe(false);
  });
});
