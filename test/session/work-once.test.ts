/**
 * Each thing a proximity session (ISO/IEC 18013-5:2021 §9.1.1) computes, computed once:
 * the session keys (one ECDH, two HKDFs) once per session on each side, then one AES-GCM
 * operation per message and nothing else per message beyond the deviceMac's EMacKey;
 * counted through a backend that records every call, never by timing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeCryptoBackend, webCryptoBackend } from '../../src/crypto/index.js';
import type { CryptoBackend, PrivateKey } from '../../src/crypto/types.js';
import type { IssuerSigned } from '../../src/mdoc/index.js';
import { HolderSession, ReaderSession } from '../../src/session/index.js';
import { countingBackend } from '../helpers/counting-backend.js';
import { NOW, type TestIssuer, testMdl } from '../mdoc/fixtures.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const REQUEST = [{ docType: MDL, nameSpaces: { [NS]: { family_name: false, age_over_18: false } } }];
const COUNTED = ['generateKeyPair', 'ecdh', 'hkdf', 'hmac', 'aesGcmEncrypt', 'aesGcmDecrypt'] as const;

/** `inner` with the calls of COUNTED counted. */
function counting(inner: CryptoBackend) {
  const { backend, calls } = countingBackend(inner);
  const counts = () => Object.fromEntries(COUNTED.map((m) => [m, calls[m] ?? 0]));
  return { backend, counts };
}

describe.each([
  ['node', nodeCryptoBackend()!],
  ['webcrypto', webCryptoBackend],
])('a session computes its keys once (%s)', (_name, base) => {
  let issuer: TestIssuer;
  let device: PrivateKey;
  let mdl: IssuerSigned;
  beforeAll(async () => {
    ({ issuer, device, mdl } = await testMdl(base));
  });

  it.each([
    ['deviceMac', 'mac'],
    ['deviceSignature', 'signature'],
  ] as const)('three requests in one session, %s', async (_auth, deviceAuth) => {
    const reader = counting(base);
    const holder = counting(base);
    const holderSession = await HolderSession.create({ documents: [{ issuerSigned: mdl, deviceKey: device }], backend: holder.backend, deviceAuth });
    const readerSession = await ReaderSession.fromQrUri(holderSession.qrUri, { verify: { trustAnchors: [issuer.iaca], now: NOW }, backend: reader.backend });
    // Reader: its ephemeral key and the session keys, once.
    expect(reader.counts()).toEqual({ generateKeyPair: 1, ecdh: 1, hkdf: 2, hmac: 0, aesGcmEncrypt: 0, aesGcmDecrypt: 0 });
    expect(holder.counts()).toEqual({ generateKeyPair: 1, ecdh: 0, hkdf: 0, hmac: 0, aesGcmEncrypt: 0, aesGcmDecrypt: 0 });
    const rounds = 3;
    for (let i = 0; i < rounds; i++) {
      const answered = await holderSession.receive(await readerSession.request(REQUEST));
      if (answered.kind !== 'request') throw new Error(`holder: ${answered.kind}`);
      const result = await readerSession.receive(answered.reply);
      if (result.kind !== 'response') throw new Error(`reader: ${result.kind}`);
      expect(result.verification.valid).toBe(true);
    }
    // Per message one AES-GCM operation on each side. The session keys are derived once per
    // session; a deviceMac adds its EMacKey (ECDH + HKDF) and the HMAC, per response.
    const mac = deviceAuth === 'mac' ? rounds : 0;
    expect(reader.counts()).toEqual({ generateKeyPair: 1, ecdh: 1 + mac, hkdf: 2 + mac, hmac: mac, aesGcmEncrypt: rounds, aesGcmDecrypt: rounds });
    expect(holder.counts()).toEqual({ generateKeyPair: 1, ecdh: 1 + mac, hkdf: 2 + mac, hmac: mac, aesGcmEncrypt: rounds, aesGcmDecrypt: rounds });
  });
});
