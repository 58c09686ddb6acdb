import { describe, expect, it } from 'vitest';
import { encode } from '../../src/cbor/index.js';
import {
  CoseAlg,
  CoseHeader,
  createCoseMac0,
  decodeCoseKey,
  decodeCosePublicKey,
  decodeCoseMac0,
  encodeCoseKey,
  encodeCoseMac0,
  keyFromJwk,
  keyToJwk,
  verifyCoseMac0,
} from '../../src/cose/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { Curve, EcPublicKey } from '../../src/crypto/types.js';
import { CoseError } from '../../src/errors.js';
import { fromHex, toHex, utf8Encode } from '../../src/internal/bytes.js';
import { annexDBytes } from '../helpers/annex-d.js';
import { BACKENDS } from '../helpers/backends.js';

const payload = utf8Encode('payload');

describe.each(BACKENDS)('COSE_Mac0 (%s)', (_name, backend) => {
  it.each([CoseAlg.HMAC_256_256, CoseAlg.HMAC_384_384, CoseAlg.HMAC_512_512])('creates and verifies alg %d, attached and detached', async (alg) => {
    const key = backend.randomBytes(32);
    const mac0 = await createCoseMac0({ payload, key, alg, backend });
    expect(mac0.tag.length).toBe({ 5: 32, 6: 48, 7: 64 }[alg]);
    await verifyCoseMac0(decodeCoseMac0(encodeCoseMac0(mac0, true)), { key, backend });
    const detached = await createCoseMac0({ payload, key, alg, detached: true, externalAad: fromHex('01'), backend });
    await verifyCoseMac0(detached, { key, detachedPayload: payload, externalAad: fromHex('01'), backend });
    await expect(verifyCoseMac0(detached, { key, detachedPayload: payload, backend })).rejects.toMatchObject({ code: 'ERR_COSE_MAC' });
  });

  it('refuses alg mismatches, unknown algs, signature algs and misplaced payloads', async () => {
    const key = backend.randomBytes(32);
    const mac0 = await createCoseMac0({ payload, key, backend });
    await expect(verifyCoseMac0({ ...mac0, protectedHeaders: new Map([[1, 4]]) }, { key, backend })).rejects.toMatchObject({ code: 'ERR_COSE_ALG_UNSUPPORTED' });
    await expect(verifyCoseMac0({ ...mac0, protectedHeaders: new Map([[1, -7]]) }, { key, backend })).rejects.toMatchObject({ code: 'ERR_COSE_ALG_UNSUPPORTED' });
    await expect(verifyCoseMac0(mac0, { key, detachedPayload: payload, backend })).rejects.toMatchObject({ code: 'ERR_COSE_PAYLOAD' });
    await expect(createCoseMac0({ payload, key, protectedHeaders: new Map([[CoseHeader.alg, 6]]), backend })).rejects.toMatchObject({ code: 'ERR_COSE_ALG_MISMATCH' });
    expect(() => decodeCoseMac0(encode([mac0.protectedBytes, new Map(), payload, 1]))).toThrow(CoseError);
    expect(() => decodeCoseMac0(encode([mac0.protectedBytes, new Map(), 1, mac0.tag]))).toThrow(CoseError);
  });
});

describe('COSE_Key and JWK', () => {
  const backend = BACKENDS[0]![1];

  it('reads the Annex D EDeviceKey COSE_Key and writes it back byte for byte', () => {
    const bytes = annexDBytes('e_device_key_bytes').subarray(4); // inside #6.24(bstr)
    const { key } = decodeCoseKey(bytes);
    expect(key.kty).toBe('EC');
    expect(toHex((key as EcPublicKey).x)).toBe(toHex(annexDBytes('e_device_key_x')));
    expect(toHex(encode(encodeCoseKey(key)))).toBe(toHex(bytes));
  });

  it.each(['P-256', 'P-384', 'P-521', 'Ed25519', 'X25519'] as Curve[])('round-trips %s keys through COSE_Key and JWK', async (crv) => {
    const priv = await backend.generateKeyPair(crv);
    expect(decodeCoseKey(encode(encodeCoseKey(priv, { kid: fromHex('01'), alg: -7 })))).toEqual({ key: priv, kid: fromHex('01'), alg: -7 });
    expect(decodeCoseKey(encodeCoseKey(publicKeyOf(priv))).key).toEqual(publicKeyOf(priv));
    expect(keyFromJwk(keyToJwk(priv))).toEqual(priv);
    expect(keyFromJwk(keyToJwk(publicKeyOf(priv)))).toEqual(publicKeyOf(priv));
  });

  it('decompresses a point given with a y sign bit', async () => {
    const priv = await backend.generateKeyPair('P-256');
    const m = encodeCoseKey(publicKeyOf(priv));
    m.set(-3, ((priv as EcPublicKey).y.at(-1)! & 1) === 1);
    expect(decodeCoseKey(m).key).toEqual(publicKeyOf(priv));
  });

  it.each(['P-256', 'P-384', 'P-521', 'Ed25519', 'X25519'] as Curve[])('decodeCosePublicKey reads a %s public key as decodeCoseKey does, and refuses a private one', async (crv) => {
    const priv = await backend.generateKeyPair(crv);
    const pub = encodeCoseKey(publicKeyOf(priv), { kid: fromHex('02'), alg: -7 });
    expect(decodeCosePublicKey(pub)).toEqual(decodeCoseKey(pub));
    expect(decodeCosePublicKey(encode(pub))).toEqual({ key: publicKeyOf(priv), kid: fromHex('02'), alg: -7 });
    expect(() => decodeCosePublicKey(encodeCoseKey(priv))).toThrow(expect.objectContaining({ code: 'ERR_COSE_KEY', message: expect.stringMatching(/private key \(d\)/) }));
  });

  it('decodeCosePublicKey refuses what decodeCoseKey refuses in the public part', async () => {
    const good = encodeCoseKey(publicKeyOf(await backend.generateKeyPair('P-256')));
    for (const m of [new Map([...good, [-1, 99]]), new Map([...good, [-3, new Uint8Array(32)]]), new Map([...good].filter(([k]) => k !== -2))]) {
      expect(() => decodeCosePublicKey(m as never)).toThrow(expect.objectContaining({ code: 'ERR_COSE_KEY' }));
    }
  });

  it('ERR_COSE_KEY for bad keys', async () => {
    const priv = await backend.generateKeyPair('P-256');
    const good = encodeCoseKey(priv);
    const cases: Map<number, unknown>[] = [
      new Map([...good, [-1, 99]]),
      new Map([...good, [1, 1]]),
      new Map([...good, [-2, 5]]),
      new Map([...good].filter(([k]) => k !== -3)),
      new Map([...good, [-3, new Uint8Array(32)]]),
      new Map([...good, [-4, new Uint8Array(32).fill(1)]]),
      new Map([...good, [2, 'kid']]),
      new Map([...good].filter(([k]) => k !== -2)),
      // alg is an int or text (RFC 9052 §7): not 1.5, not a bigint.
      new Map([...good, [3, 1.5]]),
      new Map([...good, [3, 2n ** 64n]]),
    ];
    for (const m of cases) expect(() => decodeCoseKey(m as never), JSON.stringify([...m.keys()])).toThrow(CoseError);
    expect(() => decodeCosePublicKey(new Map([...encodeCoseKey(publicKeyOf(priv)), [3, 1.5]]) as never)).toThrow(expect.objectContaining({ code: 'ERR_COSE_KEY' }));
    expect(decodeCoseKey(new Map([...good, [3, -7]]) as never).alg).toBe(-7);
    expect(() => decodeCoseKey(fromHex('ff'))).toThrow(CoseError);
    // Encoded bytes: kty 2.0 or crv 1.0 (a float that equals the integer) is no EC2 / P-256 key.
    const goodBytes = encode(new Map([...good].filter(([k]) => k !== -4)));
    expect(decodeCoseKey(goodBytes).key.kty).toBe('EC');
    for (const [label, int] of [[1, '02'], [-1, '01']] as const) {
      const hex = toHex(goodBytes);
      const at = hex.indexOf(toHex(encode(label)) + int);
      expect(at % 2).toBe(0);
      const floated = fromHex(`${hex.slice(0, at)}${toHex(encode(label))}f9${int === '02' ? '4000' : '3c00'}${hex.slice(at + 4)}`);
      expect(() => decodeCoseKey(floated), `label ${label}`).toThrow(expect.objectContaining({ code: 'ERR_COSE_KEY' }));
    }
    expect(() => decodeCoseKey(encode([1]))).toThrow(CoseError);
    expect(() => keyFromJwk({ kty: 'RSA', n: 'AQAB', e: 'AQAB' })).toThrow(CoseError);
    expect(() => keyFromJwk({ kty: 'EC', crv: 'P-256', x: '!!', y: 'AA' })).toThrow(CoseError);
    expect(() => keyFromJwk({ kty: 'EC', crv: 'P-256', x: 'AA' })).toThrow(CoseError);
    try {
      decodeCoseKey(cases[0] as never);
    } catch (e) {
      expect((e as CoseError).code).toBe('ERR_COSE_KEY');
    }
  });
});
