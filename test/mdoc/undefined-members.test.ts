/**
 * UNDEFINED_AS_ABSENT: CBOR `undefined` where a member should be left out is read as absent
 * only where that leaves exactly what the CDDL allows; it never stands in for a member that is
 * needed (a deviceAuth with no defined member, or with both, is still refused), and a payload
 * of `undefined` is nil only in a 4-element COSE array.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CborValue, encode } from '../../src/cbor/index.js';
import { type DeviceResponse, decodeDeviceResponse, decodeIssuerSigned } from '../../src/mdoc/index.js';
import { baseIssuerSigned, parties, present, responseMap } from '../interop/field-fixtures.js';

let presented: DeviceResponse;
beforeAll(async () => {
  const p = await parties();
  presented = await present(p, await baseIssuerSigned(p));
});
/** The response as a fresh, editable CBOR value. */
const fresh = () => responseMap(presented);

const docOf = (r: Map<string, CborValue>) => (r.get('documents') as Map<string, CborValue>[])[0]!;
const authOf = (r: Map<string, CborValue>) => (docOf(r).get('deviceSigned') as Map<string, CborValue>).get('deviceAuth') as Map<string, CborValue>;
const ids = (bytes: Uint8Array) => {
  const r = decodeDeviceResponse(bytes);
  return [...(r.deviations ?? []), ...r.documents.flatMap((d) => [...(d.deviations ?? []), ...(d.issuerSigned.deviations ?? [])])].map((d) => `${d.id} ${d.path}`);
};

describe('UNDEFINED_AS_ABSENT', () => {
  it('a Document, DeviceResponse or IssuerSigned member sent as undefined is absent and named', () => {
    const r = fresh();
    r.set('documentErrors', undefined);
    docOf(r).set('errors', undefined);
    expect(ids(encode(r))).toEqual(['UNDEFINED_AS_ABSENT deviceResponse.documentErrors', 'UNDEFINED_AS_ABSENT deviceResponse.documents[0].errors']);
    const decoded = decodeDeviceResponse(encode(r));
    expect(decoded.documentErrors).toEqual([]);
    expect(decoded.documents[0]!.errors).toBeUndefined();
  });

  it('deviceMac: undefined beside the signature, and an undefined payload, are absent and nil', () => {
    const r = fresh();
    const auth = authOf(r);
    const sig = [...(auth.get('deviceSignature') as CborValue[])];
    sig[2] = undefined;
    auth.set('deviceSignature', sig);
    auth.set('deviceMac', undefined);
    const decoded = decodeDeviceResponse(encode(r));
    const deviceAuth = decoded.documents[0]!.deviceSigned!.deviceAuth;
    expect('deviceSignature' in deviceAuth && deviceAuth.deviceSignature.payload).toBeNull();
    expect(decoded.documents[0]!.deviations?.map((d) => d.path)).toEqual(['deviceResponse.documents[0].deviceSigned.deviceAuth.deviceMac', 'deviceResponse.documents[0].deviceSigned.deviceAuth.deviceSignature.payload']);
  });

  it('never stands in for a needed member: no defined member, or two, is still ERR_MDOC_STRUCTURE', () => {
    for (const edit of [
      (a: Map<string, CborValue>) => a.set('deviceSignature', undefined),
      (a: Map<string, CborValue>) => {
        a.set('deviceMac', a.get('deviceSignature'));
        a.set('deviceSignature', undefined);
        a.set('other', a.get('deviceMac'));
      },
      (a: Map<string, CborValue>) => a.set('deviceMac', a.get('deviceSignature')),
    ]) {
      const r = fresh();
      edit(authOf(r));
      expect(() => decodeDeviceResponse(encode(r))).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STRUCTURE', message: expect.stringMatching(/exactly one of deviceSignature or deviceMac/) }));
    }
    // A required member sent as undefined is missing, not absent-and-fine.
    const r = fresh();
    (docOf(r).get('issuerSigned') as Map<string, CborValue>).set('issuerAuth', undefined);
    expect(() => decodeIssuerSigned(docOf(r).get('issuerSigned') as CborValue)).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STRUCTURE' }));
    // undefined in place of the signature (index 3) is no payload: refused.
    const s = fresh();
    const sig = [...(authOf(s).get('deviceSignature') as CborValue[])];
    sig[3] = undefined;
    authOf(s).set('deviceSignature', sig);
    expect(() => decodeDeviceResponse(encode(s))).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STRUCTURE' }));
  });
});
