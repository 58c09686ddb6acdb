/**
 * A hostile or broken card: responses truncated, lengthened, replaced by garbage TLV or
 * random bytes. Every MyNumberCard operation must then fail with ApduError or JpkiError
 * only — never a TypeError, a RangeError, another error class, or a hang.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApduError, JpkiError } from '../../src/errors.js';
import { concat, utf8Encode } from '../../src/internal/bytes.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { testCvcAnchors } from '../../src/jpki/simulator/index.js';
import type { CardTransport } from '../../src/jpki/transport.js';
import { virtualCard } from './helpers.js';

type Mutation = (response: Uint8Array, rnd: () => number) => Uint8Array;

const MUTATIONS: Record<string, Mutation> = {
  truncate: (r, rnd) => r.slice(0, Math.floor(rnd() * r.length)),
  dropData: (r) => r.slice(-2),
  extend: (r, rnd) => concat(r.slice(0, -2), Uint8Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256)), r.slice(-2)),
  garbageTlv: (r) => concat(Uint8Array.of(0xff, 0x20, 0x82, 0x7f, 0xff, 0xdf, 0x21, 0x01), r.slice(-2)),
  flipByte: (r, rnd) => {
    const c = r.slice();
    if (c.length > 2) c[Math.floor(rnd() * (c.length - 2))]! ^= 1 << Math.floor(rnd() * 8);
    return c;
  },
  statusWord: (r, rnd) => concat(r.slice(0, -2), Uint8Array.of([0x61, 0x63, 0x6c, 0x69, 0x6a][Math.floor(rnd() * 5)]!, Math.floor(rnd() * 256))),
  random: (_r, rnd) => Uint8Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256)),
};

function hostile(inner: CardTransport, which: number, mutation: Mutation, seed: number): CardTransport {
  let n = 0;
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return {
    async transmit(c) {
      const r = await inner.transmit(c);
      return n++ === which || (which < 0 && rnd() < 0.2) ? mutation(r, rnd) : r;
    },
  };
}

const OPERATIONS: Record<string, (card: MyNumberCard) => Promise<unknown>> = {
  token: (c) => c.readTokenInfo(),
  authCert: (c) => c.readAuthCertificate(),
  signCert: (c) => c.readSignCertificate('SHOMEI2024'),
  pinStatus: (c) => c.pinStatus(),
  signAuth: (c) => c.signWithAuthKey(utf8Encode('x'), '1234'),
  cardInfo: (c) => c.readCardInfo('1234'),
  face: (c) => c.readCardFace({ codeA: '123456789018' }),
  cms: (c) => c.cmsSign(utf8Encode('doc'), 'SHOMEI2024'),
};

describe('hostile card responses never surface as anything but ApduError/JpkiError', () => {
  for (const [opName, op] of Object.entries(OPERATIONS)) {
    it(opName, async () => {
      // One card per operation, reset between runs: the right PINs are always sent, so no counter moves.
      const vc = await virtualCard();
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...Object.keys(MUTATIONS)), fc.integer({ min: -1, max: 16 }), fc.integer(), async (m, which, seed) => {
          vc.reset();
          const card = new MyNumberCard(hostile(vc, which, MUTATIONS[m]!, seed), { cvcAnchors: testCvcAnchors() });
          try {
            await op(card);
          } catch (e) {
            if (!(e instanceof ApduError || e instanceof JpkiError)) throw e;
          }
        }),
        { numRuns: 50 },
      );
    });
  }

  it('a transport that throws, returns nothing or a non-array is ERR_APDU_TRANSPORT / ERR_APDU_MALFORMED', async () => {
    const throwing = new MyNumberCard({ transmit: () => Promise.reject(new Error('reader unplugged')) });
    await expect(throwing.readTokenInfo()).rejects.toMatchObject({ code: 'ERR_APDU_TRANSPORT' });
    const empty = new MyNumberCard({ transmit: async () => new Uint8Array(0) });
    await expect(empty.readTokenInfo()).rejects.toMatchObject({ code: 'ERR_APDU_MALFORMED' });
    const wrongType = new MyNumberCard({ transmit: async () => 'oops' as never });
    await expect(wrongType.readTokenInfo()).rejects.toMatchObject({ code: 'ERR_APDU_MALFORMED' });
  });
});
