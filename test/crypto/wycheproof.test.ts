/**
 * Project Wycheproof (C2SP/wycheproof testvectors_v1) on both backends: every test case of
 * the six files in vectors/wycheproof/. `valid` cases must be accepted, `invalid` ones
 * rejected. `acceptable` cases (none in these files) would make the suite fail on purpose,
 * so that a vector update forces a decision about them.
 */
import { describe, expect, it } from 'vitest';
import { isShomeiError } from '../../src/errors.js';
import { fromBase64, fromHex, toHex } from '../../src/internal/bytes.js';
import { ecPublicKeyFromRaw, nobleBackend, nodeCryptoBackend, webCryptoBackend } from '../../src/crypto/index.js';
import type { CryptoBackend, EcCurve, EcPrivateKey, EcPublicKey, HashAlg } from '../../src/crypto/index.js';
import { loadVector } from '../helpers/vectors.js';

type Result = 'valid' | 'invalid' | 'acceptable';
interface Case {
  readonly tcId: number;
  readonly comment: string;
  readonly result: Result;
}
interface File<G> {
  readonly numberOfTests: number;
  readonly testGroups: readonly G[];
}

interface EcdsaGroup {
  readonly publicKey: { readonly curve: string; readonly uncompressed: string };
  readonly sha: HashAlg;
  readonly tests: readonly (Case & { msg: string; sig: string })[];
}
interface Jwk {
  readonly crv: string;
  readonly x: string;
  readonly y: string;
  readonly d?: string;
}
interface EcdhGroup {
  readonly tests: readonly (Case & { public: Jwk; private: Jwk; shared: string })[];
}
interface HkdfGroup {
  readonly tests: readonly (Case & { ikm: string; salt: string; info: string; size: number; okm: string })[];
}
interface MacGroup {
  readonly tagSize: number;
  readonly tests: readonly (Case & { key: string; msg: string; tag: string })[];
}
interface AeadGroup {
  readonly tagSize: number;
  readonly tests: readonly (Case & { key: string; iv: string; aad: string; msg: string; ct: string; tag: string })[];
}

const load = <G>(name: string) => loadVector(`wycheproof/${name}`) as File<G>;

/** Runs `check` on every case; returns the ids whose outcome differs from the expected one. */
async function runCases<G extends { tests: readonly Case[] }>(
  file: File<G>,
  check: (group: G, test: G['tests'][number]) => Promise<boolean>,
): Promise<{ run: number; failures: string[] }> {
  const failures: string[] = [];
  let run = 0;
  for (const group of file.testGroups) {
    for (const test of group.tests) {
      run++;
      if (test.result === 'acceptable') {
        failures.push(`${test.tcId} is 'acceptable': decide what shomei does with it`);
        continue;
      }
      let accepted: boolean;
      try {
        accepted = await check(group, test);
      } catch (e) {
        // Rejections must be shomei errors or argument errors, never a stray TypeError from inside.
        if (!(isShomeiError(e) || e instanceof RangeError)) failures.push(`${test.tcId} threw ${String(e)}`);
        accepted = false;
      }
      if (accepted !== (test.result === 'valid')) failures.push(`${test.tcId} (${test.comment}) gave ${accepted}`);
    }
  }
  return { run, failures };
}

const CURVES: Record<string, EcCurve> = { secp256r1: 'P-256', secp384r1: 'P-384' };

function jwkKey(jwk: Jwk): EcPrivateKey | EcPublicKey {
  const base = { kty: 'EC' as const, crv: jwk.crv as EcCurve, x: fromBase64(jwk.x), y: fromBase64(jwk.y) };
  return jwk.d === undefined ? base : { ...base, d: fromBase64(jwk.d) };
}

const ecdsa256 = load<EcdsaGroup>('ecdsa_secp256r1_sha256_p1363_test.json');
const ecdsa384 = load<EcdsaGroup>('ecdsa_secp384r1_sha384_p1363_test.json');
const ecdh = load<EcdhGroup>('ecdh_secp256r1_webcrypto_test.json');
const hkdf = load<HkdfGroup>('hkdf_sha256_test.json');
const hmac = load<MacGroup>('hmac_sha256_test.json');
const aead = load<AeadGroup>('aes_gcm_test.json');

// Both backends refuse AES-GCM IVs shorter than 8 bytes (see src/crypto/noble.ts); the
// valid Wycheproof cases with such IVs are skipped and counted. Zero-length IVs are
// `invalid` in Wycheproof and are run: the backends must reject them.
const gcmSkipped = aead.testGroups.flatMap((g) =>
  g.tests.filter((t) => t.result === 'valid' && (g.tagSize !== 128 || (t.iv.length > 0 && t.iv.length < 16))),
);
const gcmSkippedIds = new Set(gcmSkipped.map((t) => t.tcId));

describe.each([nobleBackend, webCryptoBackend, nodeCryptoBackend()!])('Wycheproof on $name', (backend: CryptoBackend) => {
  for (const [name, file, expected] of [
    ['ECDSA P-256 SHA-256 P1363', ecdsa256, 262],
    ['ECDSA P-384 SHA-384 P1363', ecdsa384, 280],
  ] as const) {
    it(`${name}: all ${expected} cases`, async () => {
      const { run, failures } = await runCases(file, (group, t) => {
        const key = ecPublicKeyFromRaw(CURVES[group.publicKey.curve]!, fromHex(group.publicKey.uncompressed));
        return backend.ecdsaVerify(key, group.sha, fromHex(t.msg), fromHex(t.sig));
      });
      expect(failures).toEqual([]);
      expect(run).toBe(file.numberOfTests);
      expect(run).toBe(expected);
    });
  }

  it('ECDH P-256 (WebCrypto JWK keys): all 353 cases, invalid peers give ERR_CRYPTO_ECDH', async () => {
    const { run, failures } = await runCases(ecdh, async (_group, t) => {
      const priv = jwkKey(t.private) as EcPrivateKey;
      const pub = jwkKey(t.public);
      if (t.result === 'invalid') {
        await expect(backend.ecdh(priv, pub), `tcId ${t.tcId}`).rejects.toMatchObject({ code: 'ERR_CRYPTO_ECDH' });
        return false;
      }
      return toHex(await backend.ecdh(priv, pub)) === t.shared;
    });
    expect(failures).toEqual([]);
    expect(run).toBe(353);
  });

  it('HKDF-SHA256: all 86 cases', async () => {
    const { run, failures } = await runCases(hkdf, async (_group, t) => {
      const okm = await backend.hkdf('SHA-256', fromHex(t.ikm), fromHex(t.salt), fromHex(t.info), t.size);
      return toHex(okm) === t.okm;
    });
    expect(failures).toEqual([]);
    expect(run).toBe(86);
  });

  it('HMAC-SHA256: all 174 cases, truncated tags compared on the leading tagSize bits', async () => {
    const { run, failures } = await runCases(hmac, async (group, t) => {
      const tag = await backend.hmac('SHA-256', fromHex(t.key), fromHex(t.msg));
      return toHex(tag.subarray(0, group.tagSize / 8)) === t.tag;
    });
    expect(failures).toEqual([]);
    expect(run).toBe(174);
  });

  it(`AES-GCM: all 316 cases, ${gcmSkipped.length} valid ones skipped (IV shorter than 8 bytes)`, async () => {
    let executed = 0;
    const { run, failures } = await runCases(aead, async (_group, t) => {
      if (gcmSkippedIds.has(t.tcId)) return t.result === 'valid';
      executed++;
      const [key, iv, aad, msg] = [fromHex(t.key), fromHex(t.iv), fromHex(t.aad), fromHex(t.msg)];
      const sealed = fromHex(t.ct + t.tag);
      if (t.result === 'valid') {
        const ct = await backend.aesGcmEncrypt(key, iv, msg, aad);
        const pt = await backend.aesGcmDecrypt(key, iv, sealed, aad);
        return toHex(ct) === t.ct + t.tag && toHex(pt) === t.msg;
      }
      await expect(backend.aesGcmDecrypt(key, iv, sealed, aad)).rejects.toSatisfy(
        (e) => isShomeiError(e, 'ERR_CRYPTO_DECRYPT') || (iv.length === 0 && e instanceof RangeError),
      );
      return false;
    });
    expect(failures).toEqual([]);
    expect(run).toBe(316);
    expect(gcmSkipped.length).toBe(24);
    expect(executed).toBe(316 - 24);
  });
});

