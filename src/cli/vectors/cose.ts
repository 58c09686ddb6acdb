/**
 * COSE suites: the cose-wg/Examples COSE_Sign1 and COSE_Mac0 cases and RFC 9052
 * Appendix C, with shomei's deliberate, ISO 18013-5-driven divergences (alg outside the
 * protected bucket, ES512 on P-256, algorithms 18013-5 does not use) expected to fail.
 */

import { decodeCoseKey, decodeCoseMac0, decodeCoseSign1, verifyCoseMac0, verifyCoseSign1 } from '../../cose/index.js';
import { CoseCurve, CoseKeyLabel, CoseKty } from '../../cose/key.js';
import type { PublicKey } from '../../crypto/types.js';
import { isShomeiError } from '../../errors.js';
import { fromHex } from '../../internal/bytes.js';
import { readJson, rejects, type Suite, tally, type Verdict } from './suite.js';

interface CoseVector {
  name: string;
  structure: 'COSE_Sign1' | 'COSE_Mac0';
  cbor_hex: string;
  external_aad_hex: string;
  alg: string;
  key: { kty?: string; crv?: string; x?: string; y?: string; k?: string };
  expect: 'valid' | 'invalid';
}

/** Valid in the examples, refused by shomei on purpose (see test/cose/vectors.test.ts). */
const REFUSED = new Set(['sign-pass-01.json', 'mac-pass-01.json', 'mac-pass-02.json', 'mac-pass-03.json', 'ecdsa-sig-04.json']);
const MAC_ALGS = new Set(['HS256', 'HS384', 'HS512']);

function publicKey(k: CoseVector['key']): PublicKey {
  const m = new Map<number, number | Uint8Array>([
    [CoseKeyLabel.kty, k.kty === 'OKP' ? CoseKty.OKP : CoseKty.EC2],
    [CoseKeyLabel.crv, CoseCurve[k.crv as keyof typeof CoseCurve]],
    [CoseKeyLabel.x, fromHex(k.x!)],
  ]);
  if (k.y !== undefined) m.set(CoseKeyLabel.y, fromHex(k.y));
  return decodeCoseKey(m).key as PublicKey;
}

const NAME = 'COSE cose-wg/Examples + RFC 9052 App. C (Sign1, Mac0)';

export const coseExamples: Suite = {
  name: NAME,
  perBackend: true,
  run: ({ dir, backend }) => {
    const { vectors } = readJson<{ vectors: CoseVector[] }>(dir, 'cose/cose-wg-examples.json');
    return tally(NAME, backend, vectors, (v) => v.name, async (v): Promise<Verdict> => {
      if (v.key.crv === 'Ed448' || (v.structure === 'COSE_Mac0' && !MAC_ALGS.has(v.alg))) {
        return { skip: 'Ed448, HMAC 256/64 and AES-MAC are outside ISO 18013-5 and not implemented' };
      }
      const file = v.name.split('/').pop()!;
      const aad = fromHex(v.external_aad_hex);
      const verify = () =>
        v.structure === 'COSE_Sign1'
          ? verifyCoseSign1(decodeCoseSign1(fromHex(v.cbor_hex)), { key: publicKey(v.key), externalAad: aad, backend })
          : verifyCoseMac0(decodeCoseMac0(fromHex(v.cbor_hex)), { key: fromHex(v.key.k!), externalAad: aad, backend });
      if (v.expect === 'valid' && !REFUSED.has(file)) {
        await verify();
        return true;
      }
      return rejects(verify, (e) => isShomeiError(e));
    });
  },
};
