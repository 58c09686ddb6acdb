/**
 * Hostile status list and identifier list tokens (ISO 18013-5 2e §12.3.6): byte mutations and
 * structure-aware CBOR edits of honest tokens end in a typed ShomeiError, or in a token whose
 * signed parts are the honest ones (only the unsigned, unprotected bucket can change).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/cbor/index.js';
import { CoseHeader, decodeCoseSign1, encodeCoseSign1, signCoseSign1 } from '../../src/cose/index.js';
import { webCryptoBackend as backend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { buildIdentifierListToken, buildStatusListToken, createStatusBytes, decodeStatusListToken, deflateZlib, inflateZlib, verifyStatusListToken, writeStatus } from '../../src/mdoc/index.js';
import { buildDocumentSigner } from '../../src/x509/index.js';
import { NOW, testIssuer } from '../mdoc/fixtures.js';
import { applyByteMutation, applyTreeEdit, byteMutation, expectShomei, sameBytes, treeEdit } from './helpers.js';

const RUNS = 300;
const URI = 'https://status.example.jp/lists/1';

describe('hostile status list tokens', async () => {
  const issuer = await testIssuer(backend);
  const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
  const cert = await buildDocumentSigner({
    iaca: issuer.iaca,
    iacaKey: issuer.iacaKey,
    commonName: 'status signer',
    publicKey: publicKeyOf(key) as never,
    validity: { notBefore: new Date(NOW.getTime() - 86_400_000), notAfter: new Date(NOW.getTime() + 86_400_000 * 30) },
    crlUri: 'https://iaca.example.jp/crl',
    backend,
  });
  const statuses = createStatusBytes(4096, 2);
  writeStatus(statuses, 2, 9, 2);
  const common = { uri: URI, issuedAt: NOW, expiresAt: new Date(NOW.getTime() + 86_400_000), ttlSeconds: 60, signer: { signer: key, certificates: [cert.der] }, backend };
  const honest = [await buildStatusListToken({ ...common, bits: 2, statuses }), await buildIdentifierListToken({ ...common, identifiers: [new Uint8Array([1, 2, 3]), new Uint8Array(32)] })];

  async function check(bytes: Uint8Array, original: Uint8Array): Promise<void> {
    let verified: Awaited<ReturnType<typeof verifyStatusListToken>>;
    try {
      verified = await verifyStatusListToken(bytes, { uri: URI, trustAnchor: issuer.iaca, now: NOW, backend });
    } catch (e) {
      expectShomei(e);
      return;
    }
    const o = decodeStatusListToken(original).sign1;
    const s = verified.token.sign1;
    expect(sameBytes(s.protectedBytes, o.protectedBytes) && sameBytes(s.payload!, o.payload!) && sameBytes(s.signature, o.signature), 'a mutated token verified').toBe(true);
  }

  it('byte mutations: a typed error or the honest signed content', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: honest.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (i, ms) => {
        const original = honest[i]!;
        await check(
          ms.reduce((b, m) => applyByteMutation(b, m), original),
          original,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('CBOR tree edits: a typed error or the honest signed content', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: honest.length - 1 }), treeEdit, async (i, edit) => {
        const original = honest[i]!;
        const edited = applyTreeEdit(original, edit);
        if (edited !== undefined) await check(edited, original);
      }),
      { numRuns: RUNS },
    );
  });

  it('claims edited and signed again by the trusted signer: a typed error, or the claims as signed', async () => {
    // What a compromised or careless signer can send: the signature verifies, so every claim
    // is read and checked (and printed in messages) whatever its type or size.
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: honest.length - 1 }), treeEdit, async (i, edit) => {
        const sign1 = decodeCoseSign1(decode(honest[i]!));
        const payload = applyTreeEdit(sign1.payload!, edit);
        if (payload === undefined) return;
        const headers = new Map(sign1.protectedHeaders);
        headers.delete(CoseHeader.alg);
        const token = encodeCoseSign1(await signCoseSign1({ payload, signer: key, protectedHeaders: headers, backend }), true);
        try {
          const verified = await verifyStatusListToken(token, { uri: URI, trustAnchor: issuer.iaca, now: NOW, backend });
          expect(sameBytes(verified.token.sign1.payload!, payload)).toBe(true);
        } catch (e) {
          expectShomei(e);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('ZLIB mutations through both inflaters: a typed error or at most maxBytes', async () => {
    const zlib = deflateZlib(statuses);
    await fc.assert(
      fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 3 }), fc.constantFrom('platform' as const, 'fflate' as const), async (ms, implementation) => {
        const bytes = ms.reduce((b, m) => applyByteMutation(b, m), zlib);
        try {
          const out = await inflateZlib(bytes, { implementation, maxBytes: 2048 });
          expect(out.length).toBeLessThanOrEqual(2048);
        } catch (e) {
          expectShomei(e);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
