/**
 * PIN safety under shared readers (issue 14): another PC/SC client may send commands
 * between shomei's SELECT of a PIN EF and its VERIFY, so the PIN would be checked against
 * whatever that client selected and spend a try there. shomei runs every select-and-verify
 * and select-and-sign sequence in a transport transaction; PC/SC transports hold the card
 * exclusively for it. Also: per-command timeout hints (long for `80 2A`).
 *
 * `SharedReader` models pcsc-lite's rule for one card and several clients: while one client
 * holds a transaction, every other client's command waits until it ends.
 */
import { describe, expect, it } from 'vitest';
import { ApduErrorCodes } from '../../src/errors.js';
import { fromHex, toHex, utf8Encode } from '../../src/internal/bytes.js';
import { AidHex, JpkiEf, SupportEf } from '../../src/jpki/aid.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { openPcscTransport } from '../../src/jpki/pcsc.js';
import { DEFAULT_TEST_IDENTITY as ID, type VirtualMyNumberCard } from '../../src/jpki/simulator/index.js';
import { RecordingTransport } from '../../src/jpki/transcript.js';
import { ApduTimeout, type CardTransport, type TransmitHints } from '../../src/jpki/transport.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { nobleBackend } from '../../src/crypto/noble.js';
import { fakePcsc } from './fake-pcsc.js';
import { rejectsWith, virtualCard } from './helpers.js';

const SELECT_AUTH_PIN = '00a4020c020018';
/** What the other client sends: select the card-info AP and its 4-digit PIN EF 0011. */
const OTHER_CLIENT = ['00a4040c0ad3921000310001010408', '00a4020c020011'];

/** One card, several clients; a transaction of one client holds off the others' commands. */
class SharedReader {
  readonly log: string[] = [];
  #holder: string | undefined;
  #waiting: (() => void)[] = [];
  constructor(readonly card: VirtualMyNumberCard) {}

  async #turn(name: string): Promise<void> {
    while (this.#holder !== undefined && this.#holder !== name) await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /**
   * A client. `transactions`: whether its transport has `transaction`. `after(command)` runs
   * once the card has answered one of its commands and before it returns (the moment
   * another client acts in the tests).
   */
  client(name: string, transactions: boolean, after?: (commandHex: string) => Promise<void>): CardTransport {
    const transmit = async (command: Uint8Array): Promise<Uint8Array> => {
      await this.#turn(name);
      const hex = toHex(command);
      this.log.push(`${name} ${hex}`);
      const response = await this.card.transmit(command);
      await after?.(hex);
      return response;
    };
    if (!transactions) return { transmit };
    return {
      transmit,
      transaction: async <T>(sequence: () => Promise<T>): Promise<T> => {
        await this.#turn(name);
        this.#holder = name;
        this.log.push(`${name} begin`);
        try {
          return await sequence();
        } finally {
          this.log.push(`${name} end`);
          this.#holder = undefined;
          for (const wake of this.#waiting.splice(0)) wake();
        }
      },
    };
  }
}

/** shomei on client A signs with the auth key; client B selects the card-info PIN EF right after A's SELECT of EF 0018. */
async function interleave(transactions: boolean, pin: string) {
  const vc = await virtualCard();
  const reader = new SharedReader(vc);
  const other = reader.client('B', false);
  let otherDone: Promise<unknown> = Promise.resolve();
  const a = reader.client('A', transactions, async (hex) => {
    if (hex !== SELECT_AUTH_PIN || reader.log.some((l) => l.startsWith('B '))) return;
    otherDone = (async () => {
      for (const c of OTHER_CLIENT) await other.transmit(fromHex(c));
    })();
    // Without a transaction B's commands go through now, before A's VERIFY; with one they wait.
    if (!transactions) await otherDone;
  });
  const data = utf8Encode('shared reader');
  const result = await new MyNumberCard(a).signWithAuthKey(data, pin).then(
    (signature) => ({ signature }),
    (error: unknown) => ({ error }),
  );
  await otherDone;
  return {
    vc,
    log: reader.log,
    result,
    data,
    authTries: vc.triesLeft(AidHex.JPKI, JpkiEf.AUTH_PIN),
    supportTries: vc.triesLeft(AidHex.CARD_INFO_SUPPORT, SupportEf.PIN),
  };
}

describe('a second client selecting another EF between SELECT and VERIFY', () => {
  it('without a transaction (the hazard): the wrong auth PIN is checked against the card-info PIN and spends its try', async () => {
    const r = await interleave(false, '9999');
    const i = r.log.indexOf(`A ${SELECT_AUTH_PIN}`);
    expect(r.log.slice(i + 1, i + 3)).toEqual(OTHER_CLIENT.map((c) => `B ${c}`));
    expect(r.log[i + 3]).toBe('A 00200080'); // A's retry query, now against EF 0011
    expect(r.supportTries).toBe(2); // the try was spent on the card-info PIN
    expect(r.authTries).toBe(3); // and not on the PIN the user meant
    expect(r.result).toMatchObject({ error: { code: 'ERR_JPKI_PIN' } });
  });

  it('with a transaction: B waits until A has verified and signed; the try is spent on the auth PIN, where it belongs', async () => {
    const r = await interleave(true, '9999');
    expect(r.log[0]).toBe('A begin');
    const end = r.log.indexOf('A end');
    expect(r.log.slice(0, end).some((l) => l.startsWith('B '))).toBe(false);
    expect(r.log.slice(end + 1)).toEqual(OTHER_CLIENT.map((c) => `B ${c}`));
    expect(r.authTries).toBe(2);
    expect(r.supportTries).toBe(3);
    expect(r.result).toMatchObject({ error: { code: 'ERR_JPKI_PIN', retriesLeft: 2 } });
  });

  it('with a transaction and the right PIN: SELECT, VERIFY and the signature are one reserved sequence; it verifies', async () => {
    const r = await interleave(true, ID.pins.auth);
    const end = r.log.indexOf('A end');
    const a = r.log.slice(1, end);
    expect(a[0]).toBe('A 00a4040c0ad392f000260100000001');
    expect(a.some((l) => l.startsWith('A 802a0080'))).toBe(true);
    expect('signature' in r.result).toBe(true);
    const cert = parseCertificate(await new MyNumberCard(r.vc).readAuthCertificate());
    expect(await nobleBackend.rsaPkcs1Verify(cert.publicKey as never, 'SHA-256', r.data, (r.result as { signature: Uint8Array }).signature)).toBe(true);
  });

  it('every PIN operation runs whole in one transaction; reading without a PIN takes none', async () => {
    const vc = await virtualCard();
    const reader = new SharedReader(vc);
    const card = new MyNumberCard(reader.client('A', true));
    await card.readTokenInfo();
    await card.readAuthCertificate();
    expect(reader.log.filter((l) => l === 'A begin')).toEqual([]);
    const ops: [string, () => Promise<unknown>][] = [
      ['readSignCertificate', () => card.readSignCertificate(ID.pins.sign)],
      ['signWithSignKey', () => card.signWithSignKey(utf8Encode('x'), ID.pins.sign)],
      ['cmsSign', () => card.cmsSign(utf8Encode('x'), ID.pins.sign, { signingTime: new Date('2025-01-01T00:00:00Z') })],
      ['changeAuthPin', () => card.changeAuthPin(ID.pins.auth, ID.pins.auth)],
      ['readCardInfo', () => card.readCardInfo(ID.pins.support)],
      ['readCardFace', () => card.readCardFace({ codeA: ID.myNumber })],
    ];
    for (const [name, op] of ops) {
      reader.log.length = 0;
      await op();
      expect(reader.log[0], name).toBe('A begin');
      expect(reader.log.at(-1), name).toBe('A end');
      expect(reader.log.filter((l) => l === 'A begin').length, name).toBe(1);
    }
  });
});

describe('timeout hints', () => {
  it('COMPUTE DIGITAL SIGNATURE gets the long hint, every other command the short one; recordings pass hints on', async () => {
    const vc = await virtualCard();
    const seen: [string, TransmitHints | undefined][] = [];
    const inner: CardTransport = {
      transmit: (command, hints) => {
        seen.push([toHex(command).slice(0, 4), hints]);
        return vc.transmit(command);
      },
    };
    await new MyNumberCard(new RecordingTransport(inner)).signWithAuthKey(utf8Encode('x'), ID.pins.auth);
    const sign = seen.filter(([h]) => h === '802a');
    expect(sign.length).toBe(1);
    expect(sign[0]![1]).toEqual({ timeoutMs: ApduTimeout.SIGN });
    const others = seen.filter(([h]) => h !== '802a');
    expect(others.length).toBeGreaterThan(3);
    for (const [, hints] of others) expect(hints).toEqual({ timeoutMs: ApduTimeout.DEFAULT });
    expect(ApduTimeout.SIGN).toBeGreaterThanOrEqual(5000);
  });
});

describe('the PC/SC transport reserves the card with an exclusive connection (pcsclite has no SCardBeginTransaction)', () => {
  it('a PIN operation: disconnect leaving the card, connect exclusive, SELECT … VERIFY … 80 2A, disconnect, connect shared', async () => {
    const vc = await virtualCard();
    const state = { others: 0, log: [] as string[] };
    const t = await openPcscTransport({ pcsclite: fakePcsc(vc, state) });
    try {
      await new MyNumberCard(t).signWithAuthKey(utf8Encode('x'), ID.pins.auth);
    } finally {
      await t.close();
    }
    expect(state.log.slice(0, 3)).toEqual(['connect shared', 'disconnect', 'connect exclusive']);
    const back = state.log.lastIndexOf('connect shared');
    expect(state.log.slice(3, back - 1).every((l) => /^[0-9a-f]{4}$/.test(l))).toBe(true);
    expect(state.log.slice(3, back - 1)).toContain('802a');
    expect(state.log.slice(back - 1)).toEqual(['disconnect', 'connect shared', 'disconnect', 'reader.close', 'pcsc.close']);
  });

  it('waits while another client is connected, then runs; the card state survives (no reset)', async () => {
    const vc = await virtualCard();
    const state = { others: 1, log: [] as string[] };
    const t = await openPcscTransport({ pcsclite: fakePcsc(vc, state) });
    let released = false;
    const signing = new MyNumberCard(t).signWithAuthKey(utf8Encode('x'), ID.pins.auth).then((s) => ({ s, released }));
    // The other client leaves once shomei has asked for the card at least twice.
    for (let i = 0; i < 1000 && state.log.filter((l) => l === 'connect exclusive').length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    released = true;
    state.others = 0;
    const { s, released: after } = await signing;
    expect(after).toBe(true);
    expect(s.length).toBe(256);
    await t.close();
  });

  it('ERR_APDU_CARD_BUSY when the other client keeps the card past lockTimeoutMs; the shared connection is back and nothing was sent', async () => {
    const vc = await virtualCard();
    const state = { others: 1, log: [] as string[] };
    const t = await openPcscTransport({ pcsclite: fakePcsc(vc, state), lockTimeoutMs: 0 });
    const e = await rejectsWith(new MyNumberCard(t).signWithAuthKey(utf8Encode('x'), ID.pins.auth), 'ERR_APDU_CARD_BUSY');
    expect(e.message).toContain('another PC/SC client kept the card');
    expect(ApduErrorCodes).toContain('ERR_APDU_CARD_BUSY');
    expect(vc.commandCount).toBe(0);
    expect(state.log.at(-1)).toBe('connect shared');
    // Once the other client has gone, the same transport works.
    state.others = 0;
    expect((await new MyNumberCard(t).signWithAuthKey(utf8Encode('x'), ID.pins.auth)).length).toBe(256);
    await t.close();
  });

  it('any other failure to connect exclusively is ERR_APDU_TRANSPORT; opened exclusive, sequences run as they are', async () => {
    const vc = await virtualCard();
    const state = { others: 0, log: [] as string[], failExclusive: new Error('SCardConnect error: No smart card inserted.(0x8010000c)') };
    const t = await openPcscTransport({ pcsclite: fakePcsc(vc, state) });
    await rejectsWith(new MyNumberCard(t).signWithAuthKey(utf8Encode('x'), ID.pins.auth), 'ERR_APDU_TRANSPORT');
    await t.close();
    const ex = { others: 0, log: [] as string[] };
    const te = await openPcscTransport({ pcsclite: fakePcsc(vc, ex), exclusive: true });
    await new MyNumberCard(te).signWithAuthKey(utf8Encode('x'), ID.pins.auth);
    expect(ex.log.filter((l) => l.startsWith('connect'))).toEqual(['connect exclusive']);
    await te.close();
    await rejectsWith(te.transaction(async () => 1), 'ERR_APDU_TRANSPORT');
    expect(() => te.transaction(1 as never)).toThrow(TypeError);
  });
});
