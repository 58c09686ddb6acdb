import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/cbor/index.js';
import {
  buildMacStructure,
  buildSigStructure,
  decodeCoseKey,
  decodeCoseMac0,
  decodeCoseSign1,
  getX5Chain,
  verifyCoseMac0,
  verifyCoseSign1,
} from '../../src/cose/index.js';
import { CoseCurve, CoseKty, CoseKeyLabel } from '../../src/cose/key.js';
import type { PublicKey } from '../../src/crypto/types.js';
import { CoseError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import { annexDBytes, certificatePublicKey } from '../helpers/annex-d.js';
import { BACKENDS } from '../helpers/backends.js';
import { loadVector } from '../helpers/vectors.js';

interface CoseVector {
  name: string;
  structure: 'COSE_Sign1' | 'COSE_Mac0';
  cbor_hex: string;
  payload_hex: string;
  external_aad_hex: string;
  alg: string;
  key: { kty?: string; crv?: string; x?: string; y?: string; k?: string };
  expect: 'valid' | 'invalid';
  failure?: string;
}

const { vectors } = loadVector('cose/cose-wg-examples.json') as { vectors: CoseVector[] };

function publicKey(k: CoseVector['key']): PublicKey {
  const m = new Map<number, unknown>([
    [CoseKeyLabel.kty, k.kty === 'OKP' ? CoseKty.OKP : CoseKty.EC2],
    [CoseKeyLabel.crv, CoseCurve[k.crv as keyof typeof CoseCurve]],
    [CoseKeyLabel.x, fromHex(k.x!)],
  ]);
  if (k.y !== undefined) m.set(CoseKeyLabel.y, fromHex(k.y));
  return decodeCoseKey(m as never).key as PublicKey;
}

/**
 * Cases shomei deliberately treats differently from the example repository, with why.
 * Each is still asserted: it must fail with the code given here.
 */
const DIVERGENT: Record<string, { code: string; why: string }> = {
  'sign-pass-01.json': {
    code: 'ERR_COSE_ALG_PLACEMENT',
    why: 'alg is in the unprotected bucket, which ISO 18013-5 forbids (and the wire carries h\'a0\' while the signature covers h\'\', cose-wg/Examples#107)',
  },
  'mac-pass-01.json': { code: 'ERR_COSE_ALG_PLACEMENT', why: 'alg in the unprotected bucket (and the "Redo protected" dispute)' },
  'mac-pass-02.json': { code: 'ERR_COSE_ALG_PLACEMENT', why: 'alg in the unprotected bucket' },
  'mac-pass-03.json': { code: 'ERR_COSE_ALG_PLACEMENT', why: 'alg in the unprotected bucket' },
  'ecdsa-sig-04.json': { code: 'ERR_COSE_ALG_MISMATCH', why: 'ES512 with a P-256 key: ISO 18013-5 ties each ECDSA alg to its curve' },
};

/** Algorithms outside ISO 18013-5 that shomei does not implement: each must be refused. */
const UNSUPPORTED = new Set(['HS256/64', 'AES-MAC-128/64', 'AES-MAC-128/128', 'AES-MAC-256/64', 'AES-MAC-256/128']);

describe.each(BACKENDS)('cose-wg/Examples and RFC 9052 Appendix C (%s)', (_name, backend) => {
  const signCases = vectors.filter((v) => v.structure === 'COSE_Sign1' && v.key.crv !== 'Ed448');
  const macCases = vectors.filter((v) => v.structure === 'COSE_Mac0');

  it('has the cases it claims', () => {
    expect(signCases.length).toBe(15);
    expect(macCases.length).toBe(20);
  });

  it.each(signCases.map((v) => [v.name.split('/').pop()!, v] as const))('COSE_Sign1 %s', async (file, v) => {
    const run = async () => {
      const sign1 = decodeCoseSign1(fromHex(v.cbor_hex));
      await verifyCoseSign1(sign1, { key: publicKey(v.key), externalAad: fromHex(v.external_aad_hex), backend });
    };
    const divergent = DIVERGENT[file];
    if (v.expect === 'valid' && divergent === undefined) {
      await run();
    } else {
      const error = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, v.failure ?? divergent?.why).toBeInstanceOf(CoseError);
      if (divergent !== undefined) expect((error as CoseError).code).toBe(divergent.code);
    }
  });

  it.each(macCases.map((v) => [v.name.split('/').pop()!, v] as const))('COSE_Mac0 %s', async (file, v) => {
    const run = async () => {
      const mac0 = decodeCoseMac0(fromHex(v.cbor_hex));
      await verifyCoseMac0(mac0, { key: fromHex(v.key.k!), externalAad: fromHex(v.external_aad_hex), backend });
    };
    const divergent = DIVERGENT[file];
    if (v.expect === 'valid' && divergent === undefined && !UNSUPPORTED.has(v.alg)) {
      await run();
    } else {
      const error = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, v.failure ?? divergent?.why ?? `${v.alg} is not supported`).toBeInstanceOf(CoseError);
      if (divergent !== undefined) expect((error as CoseError).code).toBe(divergent.code);
      if (UNSUPPORTED.has(v.alg)) expect((error as CoseError).code).toBe('ERR_COSE_ALG_UNSUPPORTED');
    }
  });

  it('Ed448 (eddsa-sig-02) is refused: the curve is not supported', () => {
    const v = vectors.find((x) => x.key.crv === 'Ed448')!;
    expect(() => publicKey(v.key)).toThrow(CoseError);
  });
});

describe.each(BACKENDS)('ISO 18013-5 Annex D COSE structures (%s)', (_name, backend) => {
  it('D.5.2 IssuerAuth verifies with the DS certificate key, and its Sig_structure rebuilds byte for byte', async () => {
    const sign1 = decodeCoseSign1(annexDBytes('issuer_auth'));
    const [ds] = getX5Chain(sign1.protectedHeaders, sign1.unprotectedHeaders);
    expect(toHex(ds!)).toBe(toHex(annexDBytes('ds_cert')));
    expect(toHex(buildSigStructure(sign1.protectedBytes, new Uint8Array(0), sign1.payload!))).toBe(
      toHex(annexDBytes('issuer_auth_sig_structure')),
    );
    await verifyCoseSign1(sign1, { key: certificatePublicKey(ds!), backend });
    const tampered = { ...sign1, payload: sign1.payload!.map((b, i) => (i === 100 ? b ^ 1 : b)) };
    await expect(verifyCoseSign1(tampered, { key: certificatePublicKey(ds!), backend })).rejects.toMatchObject({ code: 'ERR_COSE_SIGNATURE' });
  });

  it('D.5.3 deviceMac verifies with EMacKey over DeviceAuthenticationBytes (detached)', async () => {
    const deviceAuth = decode(annexDBytes('device_auth')) as Map<string, unknown>;
    const mac0 = decodeCoseMac0(deviceAuth.get('deviceMac') as never);
    expect(mac0.payload).toBeNull();
    const payload = annexDBytes('device_authentication_bytes');
    expect(toHex(buildMacStructure(mac0.protectedBytes, new Uint8Array(0), payload))).toBe(toHex(annexDBytes('device_mac_structure')));
    expect(toHex(mac0.tag)).toBe(toHex(annexDBytes('device_mac_tag')));
    await verifyCoseMac0(mac0, { key: annexDBytes('emac_key'), detachedPayload: payload, backend });
    await expect(verifyCoseMac0(mac0, { key: annexDBytes('sk_reader'), detachedPayload: payload, backend })).rejects.toMatchObject({
      code: 'ERR_COSE_MAC',
    });
  });

  it('D.5.4 ReaderAuth verifies with the reader certificate over ReaderAuthenticationBytes (detached)', async () => {
    const sign1 = decodeCoseSign1(annexDBytes('reader_auth'));
    const [cert] = getX5Chain(sign1.protectedHeaders, sign1.unprotectedHeaders);
    expect(toHex(cert!)).toBe(toHex(annexDBytes('reader_cert')));
    const payload = annexDBytes('reader_authentication_bytes');
    expect(toHex(buildSigStructure(sign1.protectedBytes, new Uint8Array(0), payload))).toBe(toHex(annexDBytes('reader_auth_sig_structure')));
    await verifyCoseSign1(sign1, { key: certificatePublicKey(cert!), detachedPayload: payload, backend });
    // Re-encoding the structure keeps the received protected bytes.
    expect(toHex(encode([sign1.protectedBytes]))).toContain(toHex(sign1.protectedBytes));
  });
});
