/**
 * Project Wycheproof (C2SP/wycheproof testvectors_v1) on all three backends: every test case
 * of eight files in vectors/wycheproof/ (the signature files are in wycheproof-sig.test.ts).
 * `valid` cases must be accepted, `invalid` ones rejected. `acceptable` cases make the suite
 * fail on purpose unless the test decides them explicitly (X25519 below), so that a vector
 * update forces a decision about them.
 */
import { describe, expect, it } from 'vitest';
import { isShomeiError } from '../../src/errors.js';
import { fromBase64, fromHex, toHex } from '../../src/internal/bytes.js';
import { ecPublicKeyFromRaw, nobleBackend, nodeCryptoBackend, okpPrivateKeyFromSeed, webCryptoBackend } from '../../src/crypto/index.js';
import type { CryptoBackend, EcCurve, EcPrivateKey, EcPublicKey, HashAlg, OkpPublicKey } from '../../src/crypto/index.js';
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
interface XdhGroup {
  readonly curve: string;
  readonly tests: readonly (Case & { flags: readonly string[]; public: string; private: string; shared: string })[];
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

/**
 * Runs `check` on every case; returns the ids whose outcome differs from the expected one
 * (`valid` accepted, `invalid` rejected, `acceptable` as `decide` says; undecided ones fail).
 */
async function runCases<G extends { tests: readonly Case[] }>(
  file: File<G>,
  check: (group: G, test: G['tests'][number]) => Promise<boolean>,
  decide: (test: G['tests'][number]) => boolean | undefined = () => undefined,
): Promise<{ run: number; failures: string[] }> {
  const failures: string[] = [];
  let run = 0;
  for (const group of file.testGroups) {
    for (const test of group.tests) {
      run++;
      const expected = test.result === 'acceptable' ? decide(test) : test.result === 'valid';
      if (expected === undefined) {
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
      if (accepted !== expected) failures.push(`${test.tcId} (${test.comment}) gave ${accepted}`);
    }
  }
  return { run, failures };
}

const CURVES: Record<string, EcCurve> = { secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function jwkKey(jwk: Jwk): EcPrivateKey | EcPublicKey {
  const base = { kty: 'EC' as const, crv: jwk.crv as EcCurve, x: fromBase64(jwk.x), y: fromBase64(jwk.y) };
  return jwk.d === undefined ? base : { ...base, d: fromBase64(jwk.d) };
}

const ecdsa256 = load<EcdsaGroup>('ecdsa_secp256r1_sha256_p1363_test.json');
const ecdsa384 = load<EcdsaGroup>('ecdsa_secp384r1_sha384_p1363_test.json');
const ecdsa521 = load<EcdsaGroup>('ecdsa_secp521r1_sha512_p1363_test.json');
const ecdh = load<EcdhGroup>('ecdh_secp256r1_webcrypto_test.json');
const x25519 = load<XdhGroup>('x25519_test.json');
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
    ['ECDSA P-521 SHA-512 P1363', ecdsa521, 308],
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

  it('X25519: all 518 cases; acceptable ones decided: computed per RFC 7748, all-zero secrets refused', async () => {
    // Every case is `valid` or `acceptable` (none `invalid`). shomei's decision for the 254
    // `acceptable` ones, the same on every backend:
    // - public keys on the twist and non-canonical u (≥ p, or bit 255 set): X25519 is defined
    //   for them (RFC 7748 §5 masks bit 255 and reduces u mod p), so the secret is computed and
    //   must equal Wycheproof's (accepted);
    // - low-order public keys whose secret is all zero: refused with ERR_CRYPTO_ECDH
    //   (RFC 7748 §6.1's check, so a session key never comes from a known secret).
    const zero = '0'.repeat(64);
    const counts = { computed: 0, zeroRefused: 0 };
    const { run, failures } = await runCases(
      x25519,
      async (group, t) => {
        expect(group.curve).toBe('curve25519');
        const priv = okpPrivateKeyFromSeed('X25519', fromHex(t.private));
        const peer: OkpPublicKey = { kty: 'OKP', crv: 'X25519', x: fromHex(t.public) };
        if (t.shared === zero) {
          await expect(backend.ecdh(priv, peer), `tcId ${t.tcId}`).rejects.toMatchObject({ code: 'ERR_CRYPTO_ECDH' });
          counts.zeroRefused++;
          return false;
        }
        const ok = toHex(await backend.ecdh(priv, peer)) === t.shared;
        if (ok) counts.computed++;
        return ok;
      },
      (t) => t.shared !== zero,
    );
    expect(failures).toEqual([]);
    expect(run).toBe(x25519.numberOfTests);
    expect(run).toBe(518);
    expect(counts).toEqual({ computed: 487, zeroRefused: 31 });
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

