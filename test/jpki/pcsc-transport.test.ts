/**
 * The PC/SC transport without pcscd (issue 10 §4): pcsclite is an optional peer dependency,
 * so a missing module, a missing pcscd or a failing reader is `ApduError`
 * `ERR_APDU_TRANSPORT` saying what to do (never the addon's plain Error, never "internal
 * error" from the CLI); and the virtual card is a drop-in for a PC/SC transport: the same
 * open → use → close code runs on both. The addon is replaced by a fake that forwards to
 * the virtual card, with pcsclite's event and callback shapes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../src/cli/io.js';
import { type JpkiCliDeps, jpkiCommand, openCardSession } from '../../src/cli/jpki.js';
import { ApduError } from '../../src/errors.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { listPcscReaders, loadPcsclite, openPcscTransport, type PcscLite, type PcscLiteFactory, type PcscReader, type PcscTransport } from '../../src/jpki/pcsc.js';
import { createVirtualMyNumberCard, type VirtualMyNumberCard } from '../../src/jpki/simulator/index.js';
import { fakePcsc } from './fake-pcsc.js';

/** What pcsclite's native constructor throws when pcscd is not running. */
const noPcscd: PcscLiteFactory = () => {
  throw new Error('SCardEstablishContext error: Service not available.(0x8010001d)');
};

/** The shared fake reader (fake-pcsc.ts) holding `card`, no other client; `log` gets its records. */
function fakePcsclite(card: VirtualMyNumberCard, log: string[], overrides: Partial<PcscReader> = {}): PcscLiteFactory {
  return fakePcsc(card, { others: 0, log }, overrides);
}

/** The release calls among what the fake recorded. */
const releases = (log: readonly string[]) => log.filter((entry) => ['disconnect', 'reader.close', 'pcsc.close'].includes(entry));

async function expectTransportError(p: Promise<unknown>, text: string | RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(ApduError);
  expect(e).toMatchObject({ code: 'ERR_APDU_TRANSPORT' });
  expect((e as Error).message).toMatch(text);
}

describe('pcsclite is an optional peer dependency', () => {
  it('not installed: ERR_APDU_TRANSPORT saying npm install pcsclite and the Debian packages', async () => {
    const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'pcsclite'"), { code: 'ERR_MODULE_NOT_FOUND' }));
    await expectTransportError(loadPcsclite(missing), /npm install pcsclite.*apt-get install pcscd libpcsclite-dev/);
    await expectTransportError(loadPcsclite(() => Promise.resolve({ default: 42 })), /does not export its factory/);
    // CommonJS shape (the module itself is the factory) and ESM shape (default export) both load.
    const f = () => ({}) as PcscLite;
    expect(await loadPcsclite(() => Promise.resolve(f))).toBe(f);
    expect(await loadPcsclite(() => Promise.resolve({ default: f }))).toBe(f);
  });

  it('no pcscd: the addon constructor throws a plain Error; openPcscTransport and listPcscReaders throw ERR_APDU_TRANSPORT', async () => {
    await expectTransportError(openPcscTransport({ pcsclite: noPcscd }), /is pcscd running\?.*Service not available/);
    await expectTransportError(listPcscReaders({ pcsclite: noPcscd }), /is pcscd running\?/);
  });

  it('a reader whose connect throws synchronously is ERR_APDU_TRANSPORT, and pcscd is released', async () => {
    const log: string[] = [];
    const card = await createVirtualMyNumberCard();
    const connect = () => {
      throw new Error('SCardConnect error: Sharing violation.(0x8010000b)');
    };
    await expectTransportError(openPcscTransport({ pcsclite: fakePcsclite(card, log, { connect }) }), /cannot connect to the card in Fake Reader 00 00: SCardConnect error/);
    expect(releases(log)).toEqual(['reader.close', 'pcsc.close']);
  });
});

describe('shomei jpki info without pcscd', () => {
  const stderr: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    stderr.length = 0;
  });

  it('prints ERR_APDU_TRANSPORT and exits 1 (not "internal error")', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    const out: string[] = [];
    const deps: JpkiCliDeps = {
      openCard: (options) => openCardSession(options, { pcsclite: noPcscd }),
      pinReader: () => () => Promise.reject(new Error('no PIN expected')),
      out: (t) => out.push(t),
    };
    expect(await runCommand('jpki', jpkiCommand(deps), ['info'])).toBe(1);
    expect(stderr.join('')).toMatch(/^shomei jpki: ERR_APDU_TRANSPORT: cannot open a PC\/SC context \(is pcscd running\?\)/);
    expect(out).toEqual([]);
  });
});

describe('the virtual card is a drop-in for a PC/SC transport', () => {
  /** What an application does with a reader: open, use, close; then the transport is unusable. */
  async function session(transport: PcscTransport): Promise<{ label: string; reader: string; atr: number | undefined; afterClose: unknown }> {
    let label: string;
    try {
      const card = new MyNumberCard(transport);
      label = (await card.readTokenInfo()).label;
    } finally {
      await transport.close();
    }
    const afterClose = await transport.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x0c)).then(
      () => 'answered',
      (e: unknown) => e,
    );
    return { label, reader: transport.readerName, atr: transport.atr?.length, afterClose };
  }

  it('open → use → close runs the same on pcsclite (faked) and on the virtual card', async () => {
    const log: string[] = [];
    const behindPcsc = await createVirtualMyNumberCard();
    const viaPcsc = await session(await openPcscTransport({ pcsclite: fakePcsclite(behindPcsc, log) }));
    const direct = await session(await createVirtualMyNumberCard());
    expect(viaPcsc).toMatchObject({ label: 'JPKIAPICCTOKEN2', reader: 'Fake Reader 00 00', atr: 9 });
    expect(direct).toMatchObject({ label: 'JPKIAPICCTOKEN2', reader: 'shomei virtual card (TEST ONLY)', atr: 9 });
    for (const r of [viaPcsc, direct]) expect(r.afterClose).toMatchObject({ code: 'ERR_APDU_TRANSPORT' });
    expect(releases(log)).toEqual(['disconnect', 'reader.close', 'pcsc.close']);
  });

  it('the CLI opens and closes the virtual card like a reader', async () => {
    const session = await openCardSession({ virtual: true });
    expect(session.transport).toHaveProperty('readerName');
    await session.close();
    await expect(session.transport.transmit(Uint8Array.of(0x00, 0x84, 0x00, 0x00, 0x08))).rejects.toMatchObject({ code: 'ERR_APDU_TRANSPORT' });
    await session.close();
  });
});
