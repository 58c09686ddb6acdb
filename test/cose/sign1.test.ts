import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { encode, Tag } from '../../src/cbor/index.js';
import {
  buildSigStructure,
  CoseAlg,
  CoseHeader,
  decodeCoseSign1,
  ecdsaDerToRaw,
  encodeCoseSign1,
  encodeProtectedHeaders,
  getX5Chain,
  signCoseSign1,
  verifyCoseSign1,
  x5chainValue,
} from '../../src/cose/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { Curve, EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import { CoseError, type CoseErrorCode } from '../../src/errors.js';
import { fromHex, toHex, utf8Encode } from '../../src/internal/bytes.js';
import { BACKENDS } from '../helpers/backends.js';

const payload = utf8Encode('This is the content.');

async function rejects(p: Promise<unknown>, code: CoseErrorCode): Promise<void> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CoseError);
  expect((error as CoseError).code).toBe(code);
}

describe.each(BACKENDS)('COSE_Sign1 (%s)', (_name, backend) => {
  it.each(['P-256', 'P-384', 'P-521', 'Ed25519'] as Curve[])('signs and verifies with %s, attached and detached, with external AAD', async (crv) => {
    const key = await backend.generateKeyPair(crv);
    const aad = fromHex('11aa22bb33');
    const attached = await signCoseSign1({ payload, signer: key, externalAad: aad, backend });
    const bytes = encodeCoseSign1(attached, true);
    expect(bytes[0]).toBe(0xd2);
    const decoded = decodeCoseSign1(bytes);
    await verifyCoseSign1(decoded, { key: publicKeyOf(key), externalAad: aad, backend });
    await rejects(verifyCoseSign1(decoded, { key: publicKeyOf(key), backend }), 'ERR_COSE_SIGNATURE');

    const detached = await signCoseSign1({ payload, signer: key, detached: true, backend });
    expect(detached.payload).toBeNull();
    await verifyCoseSign1(decodeCoseSign1(encodeCoseSign1(detached)), { key: publicKeyOf(key), detachedPayload: payload, backend });
    await rejects(verifyCoseSign1(detached, { key: publicKeyOf(key), detachedPayload: utf8Encode('other'), backend }), 'ERR_COSE_SIGNATURE');
  });

  it('writes alg into the protected header and x5chain as one certificate or an array', async () => {
    const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const one = await signCoseSign1({
      payload,
      signer: key,
      unprotectedHeaders: new Map([[CoseHeader.x5chain, x5chainValue([fromHex('3003020101')])]]),
      backend,
    });
    expect(toHex(one.protectedBytes)).toBe('a10126');
    expect(getX5Chain(one.protectedHeaders, one.unprotectedHeaders).map(toHex)).toEqual(['3003020101']);
    const two = x5chainValue([fromHex('01'), fromHex('02')]);
    expect(Array.isArray(two)).toBe(true);
    expect(() => x5chainValue([])).toThrow(RangeError);
  });

  it('accepts an external signer (a KMS returning DER) and checks what it returns', async () => {
    const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const kms = {
      alg: CoseAlg.ES256,
      async sign(tbs: Uint8Array) {
        const der = p256.sign(tbs, key.d, { format: 'der' });
        return ecdsaDerToRaw(der, 'P-256');
      },
    } as const;
    const sign1 = await signCoseSign1({ payload, signer: kms, backend });
    await verifyCoseSign1(sign1, { key: publicKeyOf(key), backend });
    const broken = { alg: CoseAlg.ES256, sign: async () => new Uint8Array(63) };
    await expect(signCoseSign1({ payload, signer: broken, backend })).rejects.toThrow(RangeError);
    await expect(signCoseSign1({ payload, signer: { ...kms, alg: -999 as never }, backend })).rejects.toMatchObject({ code: 'ERR_COSE_ALG_UNSUPPORTED' });
  });
});

describe('COSE_Sign1 errors, each with its code', () => {
  const backend = BACKENDS[0]![1];
  let key: PrivateKey;
  const fresh = async () => {
    key ??= await backend.generateKeyPair('P-256');
    return signCoseSign1({ payload, signer: key, backend });
  };

  it('ERR_COSE_STRUCTURE: wrong shapes, tags and header types', async () => {
    const good = await fresh();
    for (const bad of [
      encode([1, 2, 3]),
      encode(new Tag(998, [good.protectedBytes, new Map(), payload, good.signature])),
      encode([good.protectedBytes, new Map(), 5, good.signature]),
      encode([good.protectedBytes, new Map(), payload, null]),
      encode([new Map(), new Map(), payload, good.signature]),
      encode([good.protectedBytes, [], payload, good.signature]),
      encode([fromHex('ff'), new Map(), payload, good.signature]),
      encode([encode([1]), new Map(), payload, good.signature]),
      fromHex('84'),
    ]) {
      expect(() => decodeCoseSign1(bad)).toThrow(CoseError);
      try {
        decodeCoseSign1(bad);
      } catch (e) {
        expect((e as CoseError).code).toBe('ERR_COSE_STRUCTURE');
      }
    }
    const kidText = { ...good, protectedHeaders: new Map<unknown, unknown>([[CoseHeader.alg, -7], [CoseHeader.kid, 'text']]) as never };
    await rejects(verifyCoseSign1(kidText, { key: publicKeyOf(key), backend }), 'ERR_COSE_STRUCTURE');
    // An unprotected kid of the wrong type is ignored (it is not signed and shomei does not use it).
    await verifyCoseSign1({ ...good, unprotectedHeaders: new Map([[CoseHeader.kid, 'text']]) }, { key: publicKeyOf(key), backend });
    const both = { ...good, unprotectedHeaders: new Map([[CoseHeader.alg, -7]]) };
    await rejects(verifyCoseSign1(both, { key: publicKeyOf(key), backend }), 'ERR_COSE_STRUCTURE');
  });

  it('ERR_COSE_ALG_PLACEMENT: alg missing from the protected bucket', async () => {
    const good = await fresh();
    const moved = { ...good, protectedBytes: new Uint8Array(0), protectedHeaders: new Map(), unprotectedHeaders: new Map([[CoseHeader.alg, -7]]) };
    await rejects(verifyCoseSign1(moved, { key: publicKeyOf(key), backend }), 'ERR_COSE_ALG_PLACEMENT');
    const none = { ...good, protectedBytes: new Uint8Array(0), protectedHeaders: new Map() };
    await rejects(verifyCoseSign1(none, { key: publicKeyOf(key), backend }), 'ERR_COSE_ALG_PLACEMENT');
  });

  it('ERR_COSE_ALG_UNSUPPORTED and ERR_COSE_ALG_MISMATCH', async () => {
    const good = await fresh();
    const unknown = { ...good, protectedHeaders: new Map([[CoseHeader.alg, -999]]) };
    await rejects(verifyCoseSign1(unknown, { key: publicKeyOf(key), backend }), 'ERR_COSE_ALG_UNSUPPORTED');
    const text = { ...good, protectedHeaders: new Map([[CoseHeader.alg, 'ES256']]) };
    await rejects(verifyCoseSign1(text, { key: publicKeyOf(key), backend }), 'ERR_COSE_ALG_UNSUPPORTED');
    const p384 = await backend.generateKeyPair('P-384');
    await rejects(verifyCoseSign1(good, { key: publicKeyOf(p384), backend }), 'ERR_COSE_ALG_MISMATCH');
    await expect(
      signCoseSign1({ payload, signer: key, protectedHeaders: new Map([[CoseHeader.alg, CoseAlg.ES384]]), backend }),
    ).rejects.toMatchObject({ code: 'ERR_COSE_ALG_MISMATCH' });
    const x = await backend.generateKeyPair('X25519');
    await expect(signCoseSign1({ payload, signer: x, backend })).rejects.toMatchObject({ code: 'ERR_COSE_ALG_MISMATCH' });
  });

  it('RFC 9864 fully specified algs verify on the one curve each names; draft numbers are unsupported; shomei writes the ISO ones', async () => {
    // A COSE_Sign1 with protected {1: alg}, signed by `signer` as that alg's curve and hash sign.
    const signedAs = async (alg: number, signer: PrivateKey) => {
      const protectedBytes = encodeProtectedHeaders(new Map([[CoseHeader.alg, alg]]));
      const tbs = buildSigStructure(protectedBytes, new Uint8Array(0), payload);
      const hash = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' } as const;
      const signature = signer.kty === 'EC' ? await backend.ecdsaSign(signer, hash[signer.crv], tbs) : await backend.ed25519Sign(signer as never, tbs);
      return decodeCoseSign1(encode([protectedBytes, new Map(), payload, signature]));
    };
    const keys = { 'P-256': key, 'P-384': await backend.generateKeyPair('P-384'), 'P-521': await backend.generateKeyPair('P-521'), Ed25519: await backend.generateKeyPair('Ed25519') };
    const named = [
      [CoseAlg.ESP256, 'P-256'],
      [CoseAlg.ESP384, 'P-384'],
      [CoseAlg.ESP512, 'P-521'],
      [CoseAlg.Ed25519, 'Ed25519'],
    ] as const;
    for (const [alg, curve] of named) {
      await verifyCoseSign1(await signedAs(alg, keys[curve]), { key: publicKeyOf(keys[curve]), backend });
      for (const other of Object.keys(keys) as (keyof typeof keys)[]) {
        if (other !== curve) await rejects(verifyCoseSign1(await signedAs(alg, keys[other]), { key: publicKeyOf(keys[other]), backend }), 'ERR_COSE_ALG_MISMATCH');
      }
    }
    // Numbers the drafts used (Multipaz once wrote ESP384 as -48, Ed25519 as -50) are ML-DSA in IANA's registry now.
    for (const alg of [-48, -49, -50]) await rejects(verifyCoseSign1(await signedAs(alg, keys['P-384']), { key: publicKeyOf(keys['P-384']), backend }), 'ERR_COSE_ALG_UNSUPPORTED');
    await rejects(signCoseSign1({ payload, signer: { alg: CoseAlg.ESP256 as never, sign: async () => new Uint8Array(64) }, backend }), 'ERR_COSE_ALG_UNSUPPORTED');
    expect((await signCoseSign1({ payload, signer: keys.Ed25519, backend })).protectedHeaders.get(CoseHeader.alg)).toBe(CoseAlg.EdDSA);
  });

  it('ERR_COSE_CRIT: an unknown or absent critical header', async () => {
    const unknownCrit = await signCoseSign1({
      payload,
      signer: key,
      protectedHeaders: new Map<number | string, unknown>([
        [CoseHeader.crit, ['reserved']],
        ['reserved', false],
      ]) as never,
      backend,
    }).catch((e: unknown) => e);
    expect((unknownCrit as CoseError).code).toBe('ERR_COSE_CRIT');
    const good = await fresh();
    const absent = { ...good, protectedHeaders: new Map<unknown, unknown>([[1, -7], [2, [4]]]) as never };
    await rejects(verifyCoseSign1(absent, { key: publicKeyOf(key), backend }), 'ERR_COSE_CRIT');
    // A label the caller says it understands may be critical.
    const known = await signCoseSign1({
      payload,
      signer: key,
      protectedHeaders: new Map<unknown, unknown>([[2, [-70000]], [-70000, 1]]) as never,
      understood: [-70000],
      backend,
    });
    await rejects(verifyCoseSign1(known, { key: publicKeyOf(key), backend }), 'ERR_COSE_CRIT');
    await verifyCoseSign1(known, { key: publicKeyOf(key), understood: [-70000], backend });
  });

  it('ERR_COSE_PAYLOAD: detached without a payload, or attached and another given', async () => {
    const good = await fresh();
    await rejects(verifyCoseSign1({ ...good, payload: null }, { key: publicKeyOf(key), backend }), 'ERR_COSE_PAYLOAD');
    await rejects(verifyCoseSign1(good, { key: publicKeyOf(key), detachedPayload: payload, backend }), 'ERR_COSE_PAYLOAD');
  });

  it('ERR_COSE_SIGNATURE: wrong length, flipped bits, re-encoded protected header', async () => {
    const good = await fresh();
    await rejects(verifyCoseSign1({ ...good, signature: good.signature.subarray(1) }, { key: publicKeyOf(key), backend }), 'ERR_COSE_SIGNATURE');
    const flipped = good.signature.slice();
    flipped[5]! ^= 1;
    await rejects(verifyCoseSign1({ ...good, signature: flipped }, { key: publicKeyOf(key), backend }), 'ERR_COSE_SIGNATURE');
    // The same header map encoded non-canonically is different signed bytes.
    const reencoded = { ...good, protectedBytes: fromHex('b900010126') };
    await rejects(verifyCoseSign1(reencoded, { key: publicKeyOf(key), backend }), 'ERR_COSE_SIGNATURE');
  });

  it('ERR_COSE_KEY: a verification key that is not a valid point', async () => {
    const good = await fresh();
    const pub = publicKeyOf(key as EcPrivateKey);
    const offCurve = { ...pub, y: pub.y.map((b, i) => (i === 31 ? b ^ 1 : b)) };
    await rejects(verifyCoseSign1(good, { key: offCurve, backend }), 'ERR_COSE_KEY');
  });

  it('ecdsaDerToRaw rejects malformed DER', () => {
    expect(() => ecdsaDerToRaw(fromHex('3006020101020102'), 'P-256')).not.toThrow();
    expect(toHex(ecdsaDerToRaw(fromHex('3006020101020102'), 'P-256'))).toBe(`${'00'.repeat(31)}01${'00'.repeat(31)}02`);
    for (const bad of ['', '30', '3006020101020202', '310602010102010200', '3007020101020102ff', `3025022100${'ff'.repeat(33)}020101`]) {
      expect(() => ecdsaDerToRaw(fromHex(bad), 'P-256')).toThrow(RangeError);
    }
  });
});
