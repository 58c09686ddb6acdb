/**
 * Project Wycheproof suites (C2SP/wycheproof testvectors_v1, Apache-2.0): every case of
 * each bundled file; `valid` must be accepted and `invalid` rejected.
 */

import { ecPublicKeyFromRaw } from '../../crypto/keys.js';
import type { CryptoBackend, EcCurve, EcPrivateKey, HashAlg } from '../../crypto/types.js';
import { fromBase64, fromHex, toHex } from '../../internal/bytes.js';
import { readJson, type Suite, tally, type Verdict } from './suite.js';

interface WycheproofFile<T> {
  readonly testGroups: readonly (Record<string, unknown> & { readonly tests: readonly T[] })[];
}
interface Case {
  readonly tcId: number;
  readonly result: 'valid' | 'invalid' | 'acceptable';
  readonly [field: string]: unknown;
}

type Group = Record<string, unknown>;

function wycheproof(title: string, file: string, check: (backend: CryptoBackend, group: Group, c: Case) => Promise<Verdict>): Suite {
  const name = `Wycheproof ${title}`;
  return {
    name,
    perBackend: true,
    run: ({ dir, backend }) => {
      const data = readJson<WycheproofFile<Case>>(dir, `wycheproof/${file}`);
      const cases = data.testGroups.flatMap((group) => group.tests.map((c) => ({ group: group as Group, c })));
      return tally(name, backend, cases, ({ c }) => `tcId ${c.tcId}`, async ({ group, c }): Promise<Verdict> => {
        if (c.result === 'acceptable') return { skip: "'acceptable' cases are neither required nor forbidden" };
        let accepted: Verdict;
        try {
          accepted = await check(backend, group, c);
        } catch {
          accepted = false;
        }
        return typeof accepted === 'boolean' ? accepted === (c.result === 'valid') : accepted;
      });
    },
  };
}

const hex = (c: Case, field: string) => fromHex(c[field] as string);
const CURVE: Record<string, EcCurve> = { secp256r1: 'P-256', secp384r1: 'P-384' };

const ecdsa = (title: string, file: string) =>
  wycheproof(title, file, (backend, group, c) => {
    const pk = group.publicKey as { curve: string; uncompressed: string };
    const key = ecPublicKeyFromRaw(CURVE[pk.curve]!, fromHex(pk.uncompressed));
    return backend.ecdsaVerify(key, group.sha as HashAlg, hex(c, 'msg'), hex(c, 'sig'));
  });

function jwk(v: unknown): EcPrivateKey {
  const j = v as { crv: EcCurve; x: string; y: string; d?: string };
  return { kty: 'EC', crv: j.crv, x: fromBase64(j.x), y: fromBase64(j.y), d: fromBase64(j.d ?? '') };
}

export const wycheproofSuites: readonly Suite[] = [
  ecdsa('ECDSA P-256 SHA-256 (P1363)', 'ecdsa_secp256r1_sha256_p1363_test.json'),
  ecdsa('ECDSA P-384 SHA-384 (P1363)', 'ecdsa_secp384r1_sha384_p1363_test.json'),
  wycheproof('ECDH P-256', 'ecdh_secp256r1_webcrypto_test.json', async (backend, _g, c) => {
    const pub = jwk(c.public);
    const shared = await backend.ecdh(jwk(c.private), { kty: 'EC', crv: pub.crv, x: pub.x, y: pub.y });
    return toHex(shared) === c.shared;
  }),
  wycheproof('HKDF-SHA256', 'hkdf_sha256_test.json', async (backend, _g, c) => {
    const okm = await backend.hkdf('SHA-256', hex(c, 'ikm'), hex(c, 'salt'), hex(c, 'info'), c.size as number);
    return toHex(okm) === c.okm;
  }),
  wycheproof('HMAC-SHA256', 'hmac_sha256_test.json', async (backend, group, c) => {
    const tag = await backend.hmac('SHA-256', hex(c, 'key'), hex(c, 'msg'));
    return toHex(tag.subarray(0, (group.tagSize as number) / 8)) === c.tag;
  }),
  wycheproof('AES-GCM', 'aes_gcm_test.json', async (backend, group, c) => {
    const [key, iv, aad] = [hex(c, 'key'), hex(c, 'iv'), hex(c, 'aad')];
    if (group.tagSize !== 128) return false;
    if (c.result === 'valid' && iv.length < 8) return { skip: 'IVs shorter than 8 bytes are refused by design' };
    const pt = await backend.aesGcmDecrypt(key, iv, fromHex((c.ct as string) + (c.tag as string)), aad);
    return toHex(pt) === c.msg;
  }),
];
