/** JWE ECDH-ES (P-256) + A128GCM / A256GCM: published examples, round trips on both backends, jose interop both ways, strict parsing. */
import { CompactEncrypt, compactDecrypt, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { keyFromJwk } from '../../src/cose/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey, EcPublicKey } from '../../src/crypto/types.js';
import { fromBase64, toBase64Url, utf8Decode, utf8Encode } from '../../src/internal/bytes.js';
import { concatKdf, decodeJweHeader, decryptJwe, encryptJwe, JweEnc } from '../../src/online/index.js';
import { fromBase64UrlStrict } from '../../src/online/jwe.js';
import { BACKENDS } from '../helpers/backends.js';

// RFC 7518 Appendix C (ECDH-ES key agreement example): Alice's ephemeral key, Bob's key, apu "Alice", apv "Bob".
const RFC7518_C = {
  alice: { kty: 'EC', crv: 'P-256', x: 'gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0', y: 'SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps', d: '0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo' },
  bob: { kty: 'EC', crv: 'P-256', x: 'weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ', y: 'e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck', d: 'VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw' },
  derivedKey: 'VqqN6vgjbSBcIijNcacQGg',
};

// OpenID4VP 1.0 §8.3 "Encrypted Responses": the example response encrypted to the key "ac", and that key with its d.
const OID4VP_8_3 = {
  key: { kty: 'EC', kid: 'ac', use: 'enc', crv: 'P-256', alg: 'ECDH-ES', x: 'YO4epjifD-KWeq1sL2tNmm36BhXnkJ0He-WqMYrp9Fk', y: 'Hekpm0zfK7C-YccH5iBjcIXgf6YdUvNUac_0At55Okk', d: 'Et-3ce0omz8_TuZ96Df9lp0GAaaDoUnDe6X-CRO7Aww' },
  response:
    'eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTEyOEdDTSIsImtpZCI6ImFjIiwiZXBrIjp7Imt0eSI6IkVDIiwieCI6Im5ubVZwbTNWM2piaGNhZlFhUkJrU1ZOSGx3Wkh3dC05ck9wSnVmeVlJdWsiLCJ5IjoicjRmakRxd0p5czlxVU9QLV9iM21SNVNaRy0tQ3dPMm1pYzVWU05UWU45ZyIsImNydiI6IlAtMjU2In19' +
    '..uAYcHRUSSn2X0WPX.yVzlGSYG4qbg0bq18JcUiDRw56yVnbKR8E7S7YlEtzT00RqE3Pw5oTpUG3hdLN4taHZ9gC1kwak8JOnJgQ.1wR024_3-qtAlx1oFIUpQQ',
  payload: { vp_token: { example_credential_id: ['eyJhb...YMetA'] } },
};

const b64json = (v: unknown) => toBase64Url(utf8Encode(JSON.stringify(v)));

describe.each(BACKENDS)('JWE ECDH-ES (%s)', (_name, backend) => {
  it('RFC 7518 Appendix C: the Concat KDF derives the published key', async () => {
    const alice = keyFromJwk(RFC7518_C.alice) as EcPrivateKey;
    const bob = keyFromJwk(RFC7518_C.bob) as EcPrivateKey;
    const z = await backend.ecdh(bob, publicKeyOf(alice));
    expect(z).toEqual(await backend.ecdh(alice, publicKeyOf(bob)));
    const key = await concatKdf(z, 'A128GCM', utf8Encode('Alice'), utf8Encode('Bob'), { backend });
    expect(toBase64Url(key)).toBe(RFC7518_C.derivedKey);
    expect((await concatKdf(z, 'A256GCM', undefined, undefined, { backend })).length).toBe(32);
  });

  it('OpenID4VP 1.0 §8.3: the example encrypted response decrypts to its payload', async () => {
    const key = keyFromJwk(OID4VP_8_3.key) as EcPrivateKey;
    const { plaintext, header } = await decryptJwe(OID4VP_8_3.response, { recipientKey: key, backend });
    expect(JSON.parse(utf8Decode(plaintext))).toEqual(OID4VP_8_3.payload);
    expect(header.kid).toBe('ac');
    expect(header.enc).toBe('A128GCM');
    expect(decodeJweHeader(OID4VP_8_3.response).members).toMatchObject({ alg: 'ECDH-ES', kid: 'ac' });
  });

  it.each([JweEnc.A128GCM, JweEnc.A256GCM])('round trip with %s, kid, apu and apv', async (enc) => {
    const recipient = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const plaintext = utf8Encode('{"vp_token":{"x":["y"]}}');
    const jwe = await encryptJwe({ recipientKey: publicKeyOf(recipient), plaintext, enc, kid: 'k1', apu: utf8Encode('u'), apv: utf8Encode('v'), backend });
    expect(jwe.split('.')[1]).toBe('');
    const out = await decryptJwe(jwe, { recipientKey: recipient, backend });
    expect(out.plaintext).toEqual(plaintext);
    expect(out.header).toMatchObject({ alg: 'ECDH-ES', enc, kid: 'k1', apu: utf8Encode('u'), apv: utf8Encode('v') });
    // The other backend opens it too.
    for (const [, other] of BACKENDS) expect((await decryptJwe(jwe, { recipientKey: recipient, backend: other })).plaintext).toEqual(plaintext);
    // Default enc, no kid / apu / apv, empty plaintext.
    const bare = await encryptJwe({ recipientKey: publicKeyOf(recipient), plaintext: new Uint8Array(0), backend });
    const h = decodeJweHeader(bare);
    expect([h.enc, h.kid, h.apu, h.apv]).toEqual(['A128GCM', undefined, undefined, undefined]);
    expect((await decryptJwe(bare, { recipientKey: recipient, backend })).plaintext.length).toBe(0);
  });

  it('interop with jose: what jose encrypts we decrypt, and what we encrypt jose decrypts', async () => {
    const recipient = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const jwk = { kty: 'EC', crv: 'P-256', x: toBase64Url(recipient.x), y: toBase64Url(recipient.y), d: toBase64Url(recipient.d) };
    const priv = await importJWK(jwk, 'ECDH-ES');
    const pub = await importJWK({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, 'ECDH-ES');
    const plaintext = utf8Encode('{"vp_token":{"mdl":["o2d2ZXJzaW9u"]}}');
    for (const enc of [JweEnc.A128GCM, JweEnc.A256GCM]) {
      const theirs = await new CompactEncrypt(plaintext)
        .setProtectedHeader({ alg: 'ECDH-ES', enc, kid: 'verifier-key' })
        .setKeyManagementParameters({ apu: utf8Encode('wallet'), apv: utf8Encode('nonce') })
        .encrypt(pub);
      const ours = await decryptJwe(theirs, { recipientKey: recipient, backend });
      expect(ours.plaintext).toEqual(plaintext);
      expect(ours.header).toMatchObject({ enc, kid: 'verifier-key', apu: utf8Encode('wallet'), apv: utf8Encode('nonce') });

      const mine = await encryptJwe({ recipientKey: publicKeyOf(recipient), plaintext, enc, kid: 'verifier-key', apu: utf8Encode('a'), apv: utf8Encode('b'), backend });
      const opened = await compactDecrypt(mine, priv);
      expect(opened.plaintext).toEqual(plaintext);
      expect(opened.protectedHeader).toMatchObject({ alg: 'ECDH-ES', enc, kid: 'verifier-key', apu: 'YQ', apv: 'Yg' });
    }
  });

  it('a wrong key, or any tampered part, is one generic ERR_JWE_DECRYPT', async () => {
    const recipient = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const other = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const jwe = await encryptJwe({ recipientKey: publicKeyOf(recipient), plaintext: utf8Encode('secret data'), kid: 'k', backend });
    const fail = { code: 'ERR_JWE_DECRYPT', message: 'the JWE does not decrypt with this key' };
    await expect(decryptJwe(jwe, { recipientKey: other, backend })).rejects.toMatchObject(fail);
    const parts = jwe.split('.');
    const flip = (i: number) => {
      const bytes = fromBase64(parts[i]!);
      bytes[0]! ^= 1;
      return parts.map((p, j) => (j === i ? toBase64Url(bytes) : p)).join('.');
    };
    for (const i of [2, 3, 4]) await expect(decryptJwe(flip(i), { recipientKey: recipient, backend })).rejects.toMatchObject(fail);
    // A header changed but still valid (another kid, members reordered): the AAD differs.
    const header = JSON.parse(utf8Decode(fromBase64(parts[0]!))) as Record<string, unknown>;
    for (const changed of [{ ...header, kid: 'x' }, { epk: header.epk, enc: header.enc, alg: header.alg, kid: header.kid }]) {
      await expect(decryptJwe([b64json(changed), ...parts.slice(1)].join('.'), { recipientKey: recipient, backend })).rejects.toMatchObject(fail);
    }
    // Another (valid) epk: another shared secret.
    const eph = publicKeyOf((await backend.generateKeyPair('P-256')) as EcPrivateKey);
    const swapped = { ...header, epk: { kty: 'EC', crv: 'P-256', x: toBase64Url(eph.x), y: toBase64Url(eph.y) } };
    await expect(decryptJwe([b64json(swapped), ...parts.slice(1)].join('.'), { recipientKey: recipient, backend })).rejects.toMatchObject(fail);
  });

  it('strict parsing: every malformed or unsupported JWE is ERR_ONLINE_MESSAGE before any decryption', async () => {
    const recipient = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const jwe = await encryptJwe({ recipientKey: publicKeyOf(recipient), plaintext: utf8Encode('x'), backend });
    const [h, , iv, ct, tag] = jwe.split('.') as [string, string, string, string, string];
    const header = JSON.parse(utf8Decode(fromBase64(h))) as Record<string, unknown>;
    const epk = header.epk as Record<string, string>;
    const withHeader = (v: unknown) => [b64json(v), '', iv, ct, tag].join('.');
    const cases: [string, string][] = [
      ['four parts', [h, '', iv, ct].join('.')],
      ['six parts', `${jwe}.`],
      ['an encrypted key', [h, 'AAAA', iv, ct, tag].join('.')],
      ['padding', [h, '', `${iv}=`, ct, tag].join('.')],
      ['base64 (not url) alphabet', [h, '', iv, ct, `${tag.slice(0, -2)}+/`].join('.')],
      ['non-canonical base64url', [h, '', iv, ct, `${tag.slice(0, -1)}R`].join('.')],
      ['an empty header', ['', '', iv, ct, tag].join('.')],
      ['a header that is not JSON', [toBase64Url(utf8Encode('{alg')), '', iv, ct, tag].join('.')],
      ['a header that is not UTF-8', [toBase64Url(Uint8Array.of(0x7b, 0xff, 0x7d)), '', iv, ct, tag].join('.')],
      ['a JSON array header', withHeader([header])],
      ['no alg', withHeader({ ...header, alg: undefined })],
      ['alg ECDH-ES+A128KW', withHeader({ ...header, alg: 'ECDH-ES+A128KW' })],
      ['alg RSA-OAEP', withHeader({ ...header, alg: 'RSA-OAEP' })],
      ['enc A128CBC-HS256', withHeader({ ...header, enc: 'A128CBC-HS256' })],
      ['no enc', withHeader({ ...header, enc: undefined })],
      ['zip', withHeader({ ...header, zip: 'DEF' })],
      ['crit', withHeader({ ...header, crit: ['exp'], exp: 1 })],
      ['a kid that is not a string', withHeader({ ...header, kid: 7 })],
      ['apu that is not base64url', withHeader({ ...header, apu: 'a+b' })],
      ['no epk', withHeader({ ...header, epk: undefined })],
      ['an epk on P-384', withHeader({ ...header, epk: { ...epk, crv: 'P-384' } })],
      ['an OKP epk', withHeader({ ...header, epk: { kty: 'OKP', crv: 'X25519', x: epk.x } })],
      ['an epk with d', withHeader({ ...header, epk: { ...epk, d: epk.x } })],
      ['an epk with a short x', withHeader({ ...header, epk: { ...epk, x: epk.x!.slice(2) } })],
      ['an epk off the curve', withHeader({ ...header, epk: { ...epk, y: toBase64Url(new Uint8Array(32).fill(1)) } })],
      ['a 128-bit IV', [h, '', toBase64Url(new Uint8Array(16)), ct, tag].join('.')],
      ['a 96-bit tag', [h, '', iv, ct, toBase64Url(new Uint8Array(12))].join('.')],
    ];
    for (const [what, bad] of cases) {
      await expect(decryptJwe(bad, { recipientKey: recipient, backend }), what).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
      if (!what.includes('parts')) expect(() => decodeJweHeader(bad), what).toThrow(expect.objectContaining({ code: 'ERR_ONLINE_MESSAGE' }));
    }
    // An enc the caller does not accept.
    const a256 = await encryptJwe({ recipientKey: publicKeyOf(recipient), plaintext: utf8Encode('x'), enc: 'A256GCM', backend });
    await expect(decryptJwe(a256, { recipientKey: recipient, encValues: ['A128GCM'], backend })).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
  });

  it('programmer misuse is a TypeError', async () => {
    const p384 = (await backend.generateKeyPair('P-384')) as EcPrivateKey;
    const p256 = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    await expect(encryptJwe({ recipientKey: publicKeyOf(p384), plaintext: new Uint8Array(1), backend })).rejects.toBeInstanceOf(TypeError);
    await expect(encryptJwe({ recipientKey: publicKeyOf(p256), plaintext: 'x' as never, backend })).rejects.toBeInstanceOf(TypeError);
    await expect(encryptJwe({ recipientKey: publicKeyOf(p256), plaintext: new Uint8Array(1), enc: 'A192GCM' as never, backend })).rejects.toBeInstanceOf(TypeError);
    await expect(decryptJwe(42 as never, { recipientKey: p256, backend })).rejects.toBeInstanceOf(TypeError);
    await expect(decryptJwe('a.b.c.d.e', { recipientKey: p384, backend })).rejects.toBeInstanceOf(TypeError);
    const offCurve: EcPublicKey = { kty: 'EC', crv: 'P-256', x: new Uint8Array(32).fill(1), y: new Uint8Array(32).fill(1) };
    await expect(encryptJwe({ recipientKey: offCurve, plaintext: new Uint8Array(1), backend })).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_CRYPTO_(KEY|ECDH)$/) });
  });
});

describe('fromBase64UrlStrict', () => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

  it('reads canonical base64url only: no padding, no other alphabet, no stray bits in the last character', () => {
    for (let length = 0; length < 9; length++) {
      for (const last of ALPHABET) {
        const text = 'Qk1'.padEnd(length, 'x').slice(0, Math.max(0, length - 1)) + (length === 0 ? '' : last);
        const bytes = fromBase64UrlStrict(text);
        // Canonical exactly when encoding the bytes again gives the text back.
        const canonical = text.length % 4 !== 1 && toBase64Url(fromBase64(text)) === text;
        expect(bytes === undefined ? undefined : toBase64Url(bytes), text).toBe(canonical ? text : undefined);
      }
    }
    for (const text of ['QQ==', 'QQ=', 'Q+', 'Q/', 'QQ Q', 'Q', 42]) expect(fromBase64UrlStrict(text), String(text)).toBeUndefined();
  });

  it('checks a multi-megabyte ciphertext in place, without building its encoding again', () => {
    const text = 'AAAA'.repeat(1 << 20);
    const before = process.memoryUsage().heapUsed;
    expect(fromBase64UrlStrict(text)?.length).toBe(3 << 20);
    // Encoding 3 MiB again four characters at a time held about 50 MB of string pieces.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 << 20);
  });
});
