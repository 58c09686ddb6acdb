/**
 * Field interop (issue 9): shapes that deployed issuers and wallets send and that shomei
 * accepts as they are, with no deviation to tolerate (docs/verifier.md, "Field data"):
 * IssuerAuth and deviceSignature tagged
 * 18 (ISO/IEC 18013-5 §9.1.2.4 and §9.1.3.6 say untagged), deviceMac tagged 17, the IACA
 * repeated in x5chain (Annex B.1.1 says leave it out), x5chain as a one-element array or in the
 * protected header only, an unprotected kid that is not a byte string, a `random` under 16 bytes, a digestID
 * of 2^31 or more (§9.1.2.5 recommends less), unknown MSO / ValidityInfo / DeviceKeyInfo
 * members, and map16 heads in the MSO and the items (digests are over the bytes received).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CborValue, decode, EncodedCbor, encode, Tag } from '../../src/cbor/index.js';
import { COSE_MAC0_TAG, decodeCoseMac0 } from '../../src/cose/index.js';
import { concat } from '../../src/internal/bytes.js';
import { digestItem, encodeDeviceResponse, type IssuerSigned, type IssuerSignedItem, verifyDeviceResponse } from '../../src/mdoc/index.js';
import { baseIssuerSigned, FIXTURE_NOW, type Parties, parties, present, type Resign, resign, responseMap, withIssuerAuth } from './field-fixtures.js';

const NS = 'org.iso.18013.5.1';
let p: Parties;
let base: IssuerSigned;

beforeAll(async () => {
  p = await parties();
  base = await baseIssuerSigned(p);
});

/** Every required check, by id: each must pass (or be the skipped revocation / jurisdiction checks), with no DEVIATION. */
async function expectClean(bytes: Uint8Array): Promise<void> {
  const r = await verifyDeviceResponse(bytes, { trustAnchors: [p.iaca.der], sessionTranscript: p.transcript, now: new Date(FIXTURE_NOW) });
  const all = [...r.checks, ...r.documents.flatMap((d) => d.checks)];
  expect(all.filter((c) => c.required && c.status === 'failed').map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
  expect(all.filter((c) => c.id.startsWith('DEVIATION.'))).toEqual([]);
  expect(all.filter((c) => c.id === 'VALUE_DIGEST' && c.status === 'passed')).toHaveLength(4);
  expect(all.find((c) => c.id === 'DEVICE_AUTH')?.status).toBe('passed');
  expect(r.valid).toBe(true);
}

const issuerAuthOnly = async (r: Resign) => withIssuerAuth(await present(p, base), await resign(p, base, r));

describe('accepted as sent, no deviation', () => {
  it('unknown members in the MSO, ValidityInfo and DeviceKeyInfo', async () => {
    await expectClean(
      await issuerAuthOnly({
        edit: (mso) => {
          mso.set('x-vendor', 'extension');
          const vi = new Map(mso.get('validityInfo') as Map<string, CborValue>);
          vi.set('x-vendor', 1);
          mso.set('validityInfo', vi);
          const dki = new Map(mso.get('deviceKeyInfo') as Map<string, CborValue>);
          dki.set('x-vendor', true);
          mso.set('deviceKeyInfo', dki);
        },
      }),
    );
  });

  it('the IACA repeated at the end of x5chain', async () => {
    await expectClean(await issuerAuthOnly({ unprotectedX5: [p.ds.der, p.iaca.der] as never }));
  });

  it('x5chain as an array of one certificate, x5chain in the protected header only, an unprotected kid of any type', async () => {
    await expectClean(await issuerAuthOnly({ unprotectedX5: [p.ds.der] as never }));
    await expectClean(await issuerAuthOnly({ protectedX5: p.ds.der }));
    for (const kid of ['issuer-key-1', null, 7]) {
      const r = decode(await issuerAuthOnly({})) as Map<string, CborValue>;
      const auth = ((r.get('documents') as Map<string, CborValue>[])[0]!.get('issuerSigned') as Map<string, CborValue>).get('issuerAuth') as CborValue[];
      (auth[1] as Map<CborValue, CborValue>).set(4, kid);
      await expectClean(encode(r));
    }
  });

  it('IssuerAuth and deviceSignature tagged 18', async () => {
    const r = responseMap(await present(p, base));
    const doc = (r.get('documents') as Map<string, CborValue>[])[0]!;
    const is = doc.get('issuerSigned') as Map<string, CborValue>;
    is.set('issuerAuth', new Tag(18, is.get('issuerAuth')!));
    const da = (doc.get('deviceSigned') as Map<string, CborValue>).get('deviceAuth') as Map<string, CborValue>;
    da.set('deviceSignature', new Tag(18, da.get('deviceSignature')!));
    const bytes = encode(r);
    expect(bytes.includes(0xd2)).toBe(true);
    await expectClean(bytes);
  });

  it('a COSE_Mac0 tagged 17 decodes like an untagged one', () => {
    const arr = [new Uint8Array([0xa1, 0x01, 0x05]), new Map(), null, new Uint8Array(32)];
    expect(decodeCoseMac0(new Tag(COSE_MAC0_TAG, arr))).toEqual(decodeCoseMac0(arr));
  });

  it('map16 heads in an item and the MSO, a short random and a digestID above 2^31', async () => {
    const items = base.nameSpaces.get(NS)!;
    const idx = items.findIndex((i) => i.value.elementIdentifier === 'family_name');
    const old = items[idx]!.value;
    const item: IssuerSignedItem = { ...old, digestID: 2 ** 31 + 7, random: new Uint8Array(8).fill(7) };
    const preferred = encode(new Map<string, CborValue>([['digestID', item.digestID], ['random', item.random], ['elementIdentifier', item.elementIdentifier], ['elementValue', item.elementValue]]));
    expect(preferred[0]).toBe(0xa4);
    const map16 = concat(Uint8Array.of(0xb9, 0x00, 0x04), preferred.subarray(1));
    const bytes = EncodedCbor.wrap(map16, item) as EncodedCbor<IssuerSignedItem>;
    const digest = await digestItem(bytes, 'SHA-256', { backend: p.backend });
    const withItem: IssuerSigned = { ...base, nameSpaces: new Map([[NS, items.map((x, i) => (i === idx ? bytes : x))]]) };
    const signed = await resign(p, withItem, {
      edit: (mso) => {
        const vd = new Map(mso.get('valueDigests') as Map<string, CborValue>);
        const ids = new Map(vd.get(NS) as Map<number, Uint8Array>);
        ids.delete(old.digestID);
        ids.set(item.digestID, digest);
        vd.set(NS, ids);
        mso.set('valueDigests', vd);
      },
      rawMso: (encoded) => {
        expect(encoded[0]).toBe(0xa6);
        return concat(Uint8Array.of(0xb9, 0x00, 0x06), encoded.subarray(1));
      },
    });
    expect(decode(signed.issuerAuth.payload!) instanceof EncodedCbor).toBe(true);
    const response = encodeDeviceResponse(await present(p, signed));
    await expectClean(response);
  });
});
