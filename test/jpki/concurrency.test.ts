/**
 * `MyNumberCard` serialises its operations on the one card channel: calls made together
 * send exactly the APDUs they send one after the other, in call order, so a VERIFY of one
 * call is never followed by another call's SELECT (which would also run the second call
 * under the first one's security state). A failed call does not stop the queue.
 */
import { describe, expect, it } from 'vitest';
import { toHex, utf8Encode } from '../../src/internal/bytes.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { DEFAULT_TEST_IDENTITY as ID } from '../../src/jpki/simulator/index.js';
import type { CardTransport } from '../../src/jpki/transport.js';
import { virtualCard } from './helpers.js';

/** The virtual card behind a transport that answers on a later turn of the event loop (as a reader does) and logs every command. */
async function slowCard(): Promise<{ transport: CardTransport; log: string[] }> {
  const card = await virtualCard();
  const log: string[] = [];
  return {
    log,
    transport: {
      transmit: async (command) => {
        log.push(toHex(command));
        await new Promise((resolve) => setImmediate(resolve));
        return card.transmit(command);
      },
    },
  };
}

const data = utf8Encode('challenge');
type Op = (card: MyNumberCard) => Promise<unknown>;
const OPS: [string, Op][] = [
  ['signWithAuthKey', (c) => c.signWithAuthKey(data, ID.pins.auth)],
  ['readSignCertificate', (c) => c.readSignCertificate(ID.pins.sign)],
  ['readTokenInfo', (c) => c.readTokenInfo()],
  ['pinStatus', (c) => c.pinStatus()],
  ['cmsSign', (c) => c.cmsSign(data, ID.pins.sign, { signingTime: new Date('2025-01-01T00:00:00Z') })],
];

/** The APDUs each operation sends on its own. */
async function alone(op: Op): Promise<{ log: string[]; result: unknown }> {
  const { transport, log } = await slowCard();
  const result = await op(new MyNumberCard(transport));
  return { log: [...log], result };
}

describe('MyNumberCard: concurrent calls do not interleave on the card', () => {
  it('five operations started together send the APDUs of each, one after the other, in call order', async () => {
    const expected: string[] = [];
    const results: unknown[] = [];
    for (const [, op] of OPS) {
      const r = await alone(op);
      expected.push(...r.log);
      results.push(r.result);
    }
    const { transport, log } = await slowCard();
    const card = new MyNumberCard(transport);
    const together = await Promise.all(OPS.map(([, op]) => op(card)));
    expect(log).toEqual(expected);
    expect(together).toEqual(results);
  });

  it('a call that fails (wrong PIN) releases the queue; the next one runs on a fresh selection', async () => {
    const { transport, log } = await slowCard();
    const card = new MyNumberCard(transport);
    const [wrong, token] = await Promise.allSettled([card.signWithAuthKey(data, '0000'), card.readTokenInfo()]);
    expect(wrong).toMatchObject({ status: 'rejected', reason: { code: 'ERR_JPKI_PIN', retriesLeft: 2 } });
    expect(token).toEqual({ status: 'fulfilled', value: { label: 'JPKIAPICCTOKEN2', kind: 'card' } });
    // The token read starts with its own SELECT of the JPKI-AP, after the failed VERIFY.
    const verifyAt = log.length - 1 - [...log].reverse().findIndex((c) => c.startsWith('00200080'));
    expect(log[verifyAt + 1]).toMatch(/^00a4040c/);
  });
});
