/**
 * RFC 9180 HPKE base mode, DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM: the
 * published A.3.1 vectors, interop with @hpke/core both ways, the single generic open
 * error, and a seal→open property. Every suite runs on both crypto backends.
 */
import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ecPrivateKeyFromScalar, ecPublicKeyFromRaw, ecPublicKeyToRaw, publicKeyOf } from '../../src/crypto/index.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { OnlineError } from '../../src/errors.js';
import { fromHex, utf8Encode } from '../../src/internal/bytes.js';
import {
  generateHpkeKeyPair,
  HpkeSuite,
  hpkeDeriveKeyPair,
  hpkeOpenBase,
  hpkeSealBase,
  hpkeSetupBaseR,
  hpkeSetupBaseS,
} from '../../src/online/hpke.js';
import { BACKENDS } from '../helpers/backends.js';
import { loadVector } from '../helpers/vectors.js';

interface Encryption {
  readonly seq: number;
  readonly pt: string;
  readonly aad: string;
  readonly nonce: string;
  readonly ct: string;
}
interface Export {
  readonly exporter_context: string;
  readonly L: number;
  readonly exported_value: string;
}
interface BaseVector {
  readonly name: string;
  readonly mode: number;
  readonly kem_id: number;
  readonly kdf_id: number;
  readonly aead_id: number;
  readonly info: string;
  readonly ikmE: string;
  readonly pkEm: string;
  readonly skEm: string;
  readonly ikmR: string;
  readonly pkRm: string;
  readonly skRm: string;
  readonly enc: string;
  readonly key: string;
  readonly base_nonce: string;
  readonly exporter_secret: string;
  readonly encryptions: readonly Encryption[];
  readonly exports: readonly Export[];
}

const rfc = loadVector('online/rfc9180-a3-1.json') as { status: string; vectors: readonly BaseVector[] };
const A31 = rfc.vectors.find((v) => v.name === 'A.3.1')!;
const shared = loadVector('online/online-presentation.json') as Record<string, { hex: string; status: string }>;
const sharedA31 = (name: string): Uint8Array => fromHex(shared[`rfc9180_A31.${name}`]!.hex);

const h = fromHex;
const bytes = (b: ArrayBuffer | Uint8Array): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));
const runs = Number(process.env.SHOMEI_FC_RUNS ?? 40);

const peer = new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });

/** A filler message for the sequence numbers the RFC does not list. */
const filler = (seq: number): Uint8Array => utf8Encode(`filler ${seq}`);

/** Expect `promise` to reject with ERR_HPKE_OPEN, and return its message. */
async function openError(promise: Promise<unknown>): Promise<string> {
  const e = await promise.then(
    () => expect.unreachable('opened'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OnlineError);
  expect((e as OnlineError).code).toBe('ERR_HPKE_OPEN');
  expect((e as OnlineError).cause).toBeUndefined();
  return (e as OnlineError).message;
}

describe('RFC 9180 A.3.1 vector file', () => {
  it('is the published suite this module implements', () => {
    expect(rfc.status).toBe('published');
    expect([A31.mode, A31.kem_id, A31.kdf_id, A31.aead_id]).toEqual([
      HpkeSuite.mode,
      HpkeSuite.kemId,
      HpkeSuite.kdfId,
      HpkeSuite.aeadId,
    ]);
    expect(A31.encryptions.map((e) => e.seq)).toEqual([0, 1, 2, 4, 255, 256]);
  });

  it('agrees with the rfc9180_A31 entries of online-presentation.json (all published)', () => {
    for (const name of ['pkRm', 'skRm', 'enc', 'info', 'key', 'base_nonce', 'seq0_aad', 'seq0_pt', 'seq0_ct']) {
      expect(shared[`rfc9180_A31.${name}`]!.status, name).toMatch(/^published/);
    }
    const e0 = A31.encryptions[0]!;
    expect([A31.pkRm, A31.skRm, A31.enc, A31.info, A31.key, A31.base_nonce, e0.aad, e0.pt, e0.ct].map(h)).toEqual(
      ['pkRm', 'skRm', 'enc', 'info', 'key', 'base_nonce', 'seq0_aad', 'seq0_pt', 'seq0_ct'].map(sharedA31),
    );
  });
});

describe.each(BACKENDS)('HPKE base mode on %s', (_name, backend) => {
  const skR = ecPrivateKeyFromScalar('P-256', h(A31.skRm));
  const pkR = ecPublicKeyFromRaw('P-256', h(A31.pkRm));
  const info = h(A31.info);

  describe('RFC 9180 A.3.1 (published)', () => {
    it('DeriveKeyPair reproduces skEm/pkEm from ikmE and skRm/pkRm from ikmR', async () => {
      const e = await hpkeDeriveKeyPair(h(A31.ikmE), { backend });
      expect(e.d).toEqual(h(A31.skEm));
      expect(ecPublicKeyToRaw(e)).toEqual(h(A31.pkEm));
      const r = await hpkeDeriveKeyPair(h(A31.ikmR), { backend });
      expect(r.d).toEqual(h(A31.skRm));
      expect(ecPublicKeyToRaw(r)).toEqual(h(A31.pkRm));
    });

    it('both key schedules reproduce enc, key, base_nonce, exporter_secret; every encryption matches and opens', async () => {
      const { enc, context: sender } = await hpkeSetupBaseS({ recipientPublicKey: pkR, info, ikmE: h(A31.ikmE), backend });
      expect(enc).toEqual(h(A31.enc));
      const recipient = await hpkeSetupBaseR({ recipientPrivateKey: skR, enc, info, backend });
      for (const ctx of [sender, recipient]) {
        expect(ctx.key).toEqual(h(A31.key));
        expect(ctx.baseNonce).toEqual(h(A31.base_nonce));
        expect(ctx.exporterSecret).toEqual(h(A31.exporter_secret));
      }
      const last = A31.encryptions[A31.encryptions.length - 1]!.seq;
      let checked = 0;
      for (let seq = 0; seq <= last; seq++) {
        expect([sender.seq, recipient.seq]).toEqual([seq, seq]);
        const v = A31.encryptions.find((x) => x.seq === seq);
        if (v === undefined) {
          expect(await recipient.open(await sender.seal(filler(seq)))).toEqual(filler(seq));
          continue;
        }
        const ct = await sender.seal(h(v.pt), h(v.aad));
        expect(ct, `seq ${seq}`).toEqual(h(v.ct));
        expect(await recipient.open(h(v.ct), h(v.aad))).toEqual(h(v.pt));
        checked++;
      }
      expect(checked).toBe(6);
    });

    it('every exported value matches on both sides (§5.3)', async () => {
      const { enc, context: sender } = await hpkeSetupBaseS({ recipientPublicKey: pkR, info, ikmE: h(A31.ikmE), backend });
      const recipient = await hpkeSetupBaseR({ recipientPrivateKey: skR, enc, info, backend });
      for (const x of A31.exports) {
        expect(await sender.export(h(x.exporter_context), x.L)).toEqual(h(x.exported_value));
        expect(await recipient.export(h(x.exporter_context), x.L)).toEqual(h(x.exported_value));
      }
    });

    it('single-shot SealBase (with ikmE) and OpenBase reproduce sequence 0', async () => {
      const v = A31.encryptions[0]!;
      const sealed = await hpkeSealBase({
        recipientPublicKey: pkR,
        info,
        aad: h(v.aad),
        plaintext: h(v.pt),
        ikmE: h(A31.ikmE),
        backend,
      });
      expect(sealed).toEqual({ enc: h(A31.enc), ciphertext: h(v.ct) });
      const pt = await hpkeOpenBase({ recipientPrivateKey: skR, enc: h(A31.enc), info, aad: h(v.aad), ciphertext: h(v.ct), backend });
      expect(pt).toEqual(h(v.pt));
    });

    it('the shared online-presentation.json sequence-0 entry opens', async () => {
      const pt = await hpkeOpenBase({
        recipientPrivateKey: ecPrivateKeyFromScalar('P-256', sharedA31('skRm')),
        enc: sharedA31('enc'),
        info: sharedA31('info'),
        aad: sharedA31('seq0_aad'),
        ciphertext: sharedA31('seq0_ct'),
        backend,
      });
      expect(pt).toEqual(sharedA31('seq0_pt'));
    });
  });

  describe('interop with @hpke/core', () => {
    const sizes = [0, 1, 15, 16, 17, 255, 1024, 65_536];
    const aad = utf8Encode('additional data');
    const appInfo = utf8Encode('SessionTranscript bytes stand-in');
    const message = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);

    it('@hpke/core seals → shomei opens (single-shot, several sizes, with info and aad)', async () => {
      const key = await generateHpkeKeyPair({ backend });
      const recipientPublicKey = await peer.kem.deserializePublicKey(ecPublicKeyToRaw(key));
      for (const n of sizes) {
        const pt = message(n);
        const { ct, enc } = await peer.seal({ recipientPublicKey, info: appInfo }, pt, aad);
        const out = await hpkeOpenBase({ recipientPrivateKey: key, enc: bytes(enc), info: appInfo, aad, ciphertext: bytes(ct), backend });
        expect(out, `size ${n}`).toEqual(pt);
      }
    });

    it('shomei seals → @hpke/core opens (single-shot, several sizes, with info and aad)', async () => {
      const pair = await peer.kem.generateKeyPair();
      const recipientPublicKey = ecPublicKeyFromRaw('P-256', bytes(await peer.kem.serializePublicKey(pair.publicKey)));
      for (const n of sizes) {
        const pt = message(n);
        const { enc, ciphertext } = await hpkeSealBase({ recipientPublicKey, info: appInfo, aad, plaintext: pt, backend });
        expect(enc.length).toBe(65);
        const out = await peer.open({ recipientKey: pair, enc, info: appInfo }, ciphertext, aad);
        expect(bytes(out), `size ${n}`).toEqual(pt);
      }
    });

    it('contexts interoperate over several messages in both directions', async () => {
      const key = await generateHpkeKeyPair({ backend });
      const theirSender = await peer.createSenderContext({
        recipientPublicKey: await peer.kem.deserializePublicKey(ecPublicKeyToRaw(key)),
        info: appInfo,
      });
      const ours = await hpkeSetupBaseR({ recipientPrivateKey: key, enc: bytes(theirSender.enc), info: appInfo, backend });
      for (let i = 0; i < 5; i++) {
        const pt = message(i * 10);
        const a = utf8Encode(`Count-${i}`);
        expect(await ours.open(bytes(await theirSender.seal(pt, a)), a)).toEqual(pt);
      }

      const pair = await peer.kem.generateKeyPair();
      const recipientPublicKey = ecPublicKeyFromRaw('P-256', bytes(await peer.kem.serializePublicKey(pair.publicKey)));
      const { enc, context: ourSender } = await hpkeSetupBaseS({ recipientPublicKey, info: appInfo, backend });
      const theirRecipient = await peer.createRecipientContext({ recipientKey: pair, enc, info: appInfo });
      for (let i = 0; i < 5; i++) {
        const pt = message(i * 10);
        const a = utf8Encode(`Count-${i}`);
        expect(bytes(await theirRecipient.open(await ourSender.seal(pt, a), a))).toEqual(pt);
      }
      const exporterContext = utf8Encode('TestContext');
      expect(await ourSender.export(exporterContext, 32)).toEqual(bytes(await theirRecipient.export(exporterContext, 32)));
    });

    it('@hpke/core opens every A.3.1 ciphertext shomei seals, up to sequence 256', async () => {
      const { enc, context: sender } = await hpkeSetupBaseS({ recipientPublicKey: pkR, info, ikmE: h(A31.ikmE), backend });
      const recipientKey = await peer.kem.deserializePrivateKey(h(A31.skRm));
      const theirs = await peer.createRecipientContext({ recipientKey, enc, info });
      for (let seq = 0; seq <= 256; seq++) {
        const v = A31.encryptions.find((x) => x.seq === seq);
        const pt = v === undefined ? filler(seq) : h(v.pt);
        const aad = v === undefined ? new Uint8Array(0) : h(v.aad);
        const ct = await sender.seal(pt, aad);
        if (v !== undefined) expect(ct).toEqual(h(v.ct));
        expect(bytes(await theirs.open(ct, aad))).toEqual(pt);
      }
    });
  });

  describe('failures', () => {
    const pt = utf8Encode('the wallet response');
    const aad = utf8Encode('aad');

    async function sealed(key: EcPrivateKey) {
      return hpkeSealBase({ recipientPublicKey: publicKeyOf(key), info, aad, plaintext: pt, backend });
    }

    it('tampering, wrong info/aad/key, a bad enc: all one ERR_HPKE_OPEN with one message', async () => {
      const key = await generateHpkeKeyPair({ backend });
      const other = await generateHpkeKeyPair({ backend });
      const { enc, ciphertext } = await sealed(key);
      const open = (o: { key?: EcPrivateKey; enc?: Uint8Array; info?: Uint8Array; aad?: Uint8Array; ciphertext?: Uint8Array }) =>
        hpkeOpenBase({
          recipientPrivateKey: o.key ?? key,
          enc: o.enc ?? enc,
          info: o.info ?? info,
          aad: o.aad ?? aad,
          ciphertext: o.ciphertext ?? ciphertext,
          backend,
        });
      expect(await open({})).toEqual(pt);

      const flip = (b: Uint8Array, i: number): Uint8Array => {
        const c = b.slice();
        c[i] = c[i]! ^ 0x01;
        return c;
      };
      const offCurve = flip(enc, 64); // y changed: 0x04 || x || y' is not on P-256
      const compressed = Uint8Array.of(2 + (enc[64]! & 1), ...enc.subarray(1, 33)); // the same point, compressed
      const cases: Record<string, () => Promise<unknown>> = {
        'tampered ciphertext body': () => open({ ciphertext: flip(ciphertext, 0) }),
        'tampered tag': () => open({ ciphertext: flip(ciphertext, ciphertext.length - 1) }),
        'truncated ciphertext': () => open({ ciphertext: ciphertext.subarray(0, 10) }),
        'empty ciphertext': () => open({ ciphertext: new Uint8Array(0) }),
        'wrong info': () => open({ info: utf8Encode('another transcript') }),
        'wrong aad': () => open({ aad: utf8Encode('other aad') }),
        'missing aad': () => hpkeOpenBase({ recipientPrivateKey: key, enc, info, ciphertext, backend }),
        'wrong recipient key': () => open({ key: other }),
        'enc not on the curve': () => open({ enc: offCurve }),
        'enc all zero (no point)': () => open({ enc: Uint8Array.of(4, ...new Uint8Array(64)) }),
        'enc 64 bytes': () => open({ enc: enc.subarray(0, 64) }),
        'enc 66 bytes': () => open({ enc: Uint8Array.of(...enc, 0) }),
        'enc compressed (33 bytes)': () => open({ enc: compressed }),
        'enc with a 0x02 prefix': () => open({ enc: Uint8Array.of(2, ...enc.subarray(1)) }),
        'enc empty': () => open({ enc: new Uint8Array(0) }),
      };
      const messages = new Set<string>();
      for (const [name, run] of Object.entries(cases)) {
        messages.add(await openError(run()).catch((e: unknown) => expect.unreachable(`${name}: ${String(e)}`)));
      }
      expect([...messages]).toEqual(['HPKE open failed']);
    });

    it('a failed open leaves the recipient context sequence number in place', async () => {
      const key = await generateHpkeKeyPair({ backend });
      const { enc, context: sender } = await hpkeSetupBaseS({ recipientPublicKey: publicKeyOf(key), info, backend });
      const recipient = await hpkeSetupBaseR({ recipientPrivateKey: key, enc, info, backend });
      const c0 = await sender.seal(pt);
      const c1 = await sender.seal(pt, aad);
      await openError(recipient.open(c1, aad)); // out of order: seq 0 expected
      await openError(recipient.open(c0, aad)); // wrong aad
      expect(recipient.seq).toBe(0);
      expect(await recipient.open(c0)).toEqual(pt);
      expect(await recipient.open(c1, aad)).toEqual(pt);
      expect(recipient.seq).toBe(2);
    });

    it('concurrent seals and opens run in call order, so nonces are never reused', async () => {
      const key = await generateHpkeKeyPair({ backend });
      const { enc, context: sender } = await hpkeSetupBaseS({ recipientPublicKey: publicKeyOf(key), info, backend });
      const recipient = await hpkeSetupBaseR({ recipientPrivateKey: key, enc, info, backend });
      const msgs = Array.from({ length: 8 }, (_, i) => filler(i));
      const cts = await Promise.all(msgs.map((m) => sender.seal(m)));
      expect(new Set(cts.map((c) => c.join())).size).toBe(8);
      expect(await Promise.all(cts.map((c) => recipient.open(c)))).toEqual(msgs);
    });

    it('an invalid recipient public key at seal time is ERR_HPKE_KEY', async () => {
      const key = await generateHpkeKeyPair({ backend });
      const p384 = publicKeyOf(await backend.generateKeyPair('P-384'));
      const y = key.y.slice();
      y[31] = y[31]! ^ 1;
      const bad = [
        p384,
        { kty: 'EC', crv: 'P-256', x: key.x, y } as const,
        { kty: 'EC', crv: 'P-256', x: key.x.subarray(1), y: key.y } as const,
        { kty: 'OKP', crv: 'X25519', x: new Uint8Array(32) } as never,
      ];
      for (const recipientPublicKey of bad) {
        await expect(hpkeSealBase({ recipientPublicKey, info, plaintext: pt, backend })).rejects.toMatchObject({
          name: 'OnlineError',
          code: 'ERR_HPKE_KEY',
        });
      }
    });

    it("a recipient private key that is not a consistent P-256 key is ERR_HPKE_KEY (the caller's own key, not an oracle)", async () => {
      const key = await generateHpkeKeyPair({ backend });
      const { enc, ciphertext } = await sealed(key);
      const other = await generateHpkeKeyPair({ backend });
      const mismatched: EcPrivateKey = { ...key, d: other.d };
      const p384 = await backend.generateKeyPair('P-384');
      for (const recipientPrivateKey of [mismatched, p384]) {
        await expect(hpkeOpenBase({ recipientPrivateKey, enc, info, aad, ciphertext, backend })).rejects.toMatchObject({
          code: 'ERR_HPKE_KEY',
        });
      }
    });

    it('programmer misuse throws TypeError / RangeError naming the argument', async () => {
      const key = await generateHpkeKeyPair({ backend });
      const recipientPublicKey = publicKeyOf(key);
      await expect(hpkeSealBase({ recipientPublicKey, info, plaintext: 'text' as never, backend })).rejects.toThrow(TypeError);
      await expect(hpkeSealBase({ recipientPublicKey, info: 'info' as never, plaintext: pt, backend })).rejects.toThrow(/info/);
      await expect(hpkeSealBase({ recipientPublicKey: null as never, info, plaintext: pt, backend })).rejects.toThrow(TypeError);
      await expect(hpkeOpenBase({ recipientPrivateKey: key, enc: 'x' as never, info, ciphertext: pt, backend })).rejects.toThrow(/enc/);
      await expect(hpkeDeriveKeyPair(new Uint8Array(31), { backend })).rejects.toThrow(RangeError);
      const { context } = await hpkeSetupBaseS({ recipientPublicKey, info, backend });
      expect(() => context.export(new Uint8Array(0), 255 * 32 + 1)).toThrow(RangeError);
      expect(() => context.export(new Uint8Array(0), -1)).toThrow(RangeError);
      expect((await context.export(new Uint8Array(0), 255 * 32)).length).toBe(255 * 32);
    });
  });

  it('round trips with random keys; a fresh ephemeral key every time', async () => {
    const key = await generateHpkeKeyPair({ backend });
    const a = await hpkeSealBase({ recipientPublicKey: publicKeyOf(key), info, plaintext: utf8Encode('x'), backend });
    const b = await hpkeSealBase({ recipientPublicKey: publicKeyOf(key), info, plaintext: utf8Encode('x'), backend });
    expect(a.enc).not.toEqual(b.enc);
    for (const s of [a, b]) {
      expect(await hpkeOpenBase({ recipientPrivateKey: key, enc: s.enc, info, ciphertext: s.ciphertext, backend })).toEqual(
        utf8Encode('x'),
      );
    }
  });

  it('property: open(seal(pt, info, aad)) = pt for random pt, info and aad', async () => {
    const key = await generateHpkeKeyPair({ backend });
    const recipientPublicKey = publicKeyOf(key);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 100 }),
        async (plaintext, appInfo, aad) => {
          const { enc, ciphertext } = await hpkeSealBase({ recipientPublicKey, info: appInfo, aad, plaintext, backend });
          expect(ciphertext.length).toBe(plaintext.length + 16);
          const out = await hpkeOpenBase({ recipientPrivateKey: key, enc, info: appInfo, aad, ciphertext, backend });
          expect(out).toEqual(plaintext);
        },
      ),
      { numRuns: runs },
    );
  });
});
