/**
 * The PC/SC transport (PC/SC Workgroup specification, as pcsc-lite implements it), over the
 * `pcsclite` npm package: an optional peer dependency that `npm install shomei` never
 * installs or compiles. It is loaded with a dynamic import on first use (or passed in as
 * `options.pcsclite`), so the library stays pure TypeScript without it. Linux needs pcscd
 * and libpcsclite; macOS and Windows ship PC/SC.
 *
 * Reserving the card (issue 14): pcsclite 1.0.1 binds SCardConnect, SCardDisconnect,
 * SCardTransmit, SCardControl and SCardGetStatusChange, and no SCardBeginTransaction /
 * SCardEndTransaction (nor does @pokusew/pcsclite, which nfc-pcsc builds on, nor tomkp's
 * `smartcard`, whose card binding adds only SCardReconnect; `pcsc-mini` 0.1 has
 * `card.transaction()` but would replace the binding the CI builds). So {@link PcscTransport.transaction} takes
 * the card with an exclusive connection instead (PC/SC `SCARD_SHARE_EXCLUSIVE`, which
 * pcsc-lite grants only when no other client is connected, and which blocks every other
 * client's commands while held): disconnect leaving the card powered, connect exclusively
 * (retrying while another client is connected, up to `lockTimeoutMs`), run the sequence,
 * reconnect shared. The card's security state survives (`SCARD_LEAVE_CARD`), and shomei
 * re-selects inside the sequence anyway. A transport opened with `exclusive: true` holds
 * the card throughout and runs sequences as they are.
 *
 * @example
 * ```ts
 * const transport = await openPcscTransport({ reader: 'Sony' });
 * try { console.log(await new MyNumberCard(transport).readTokenInfo()); } finally { await transport.close(); }
 * ```
 */
import { ApduError } from '../errors.js';
import { assertBytes } from '../internal/bytes.js';
import type { CardTransport } from './transport.js';

/** The part of pcsclite's reader API used here. */
export interface PcscReader {
  readonly name: string;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  on(event: 'status', listener: (status: { state: number; atr?: Uint8Array }) => void): unknown;
  on(event: 'error' | 'end', listener: (error?: Error) => void): unknown;
  connect(options: { share_mode: number }, callback: (error: Error | undefined, protocol: number) => void): void;
  transmit(data: Uint8Array, resLen: number, protocol: number, callback: (error: Error | undefined, data: Uint8Array) => void): void;
  disconnect(disposition: number, callback: (error?: Error) => void): void;
  close(): void;
}
/** The part of pcsclite's context API used here. */
export interface PcscLite {
  on(event: 'reader', listener: (reader: PcscReader) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void;
}

/** The `pcsclite` module's default export: opens a PC/SC context (throws when pcscd is not reachable). */
export type PcscLiteFactory = () => PcscLite;

/** What to install when pcsclite is missing (npm package, and its build needs on Debian/Ubuntu). */
export const PCSCLITE_INSTALL_HINT =
  'npm install pcsclite (an optional peer dependency of shomei; on Debian/Ubuntu first apt-get install pcscd libpcsclite-dev build-essential python3)';

/** Options of {@link openPcscTransport}. */
export interface PcscOptions {
  /** Use the first reader whose name contains this text (default: the first reader with a card). */
  readonly reader?: string;
  /** How long to wait for a matching reader with a card, in milliseconds (default 10000). */
  readonly timeoutMs?: number;
  /** Declare extended-length support (only if reader and card support it; default false). */
  readonly extendedLength?: boolean;
  /** Connect exclusively instead of shared (default shared; PIN and signing sequences are exclusive either way). */
  readonly exclusive?: boolean;
  /**
   * How long a PIN or signing sequence waits for other PC/SC clients to release the card
   * before it fails with `ERR_APDU_CARD_BUSY`, in milliseconds (default 10000).
   */
  readonly lockTimeoutMs?: number;
  /**
   * pcsclite's default export, when you import it yourself (a bundler that cannot follow the
   * dynamic import, or a test). Default: `import('pcsclite')` on first use.
   */
  readonly pcsclite?: PcscLiteFactory;
}

/** A connected PC/SC card. */
export interface PcscTransport extends CardTransport {
  readonly readerName: string;
  /**
   * Run `sequence` holding the card exclusively (see the file header); sequences on one
   * transport run one at a time. Throws `ERR_APDU_CARD_BUSY` when other clients keep the
   * card past `lockTimeoutMs`, `ERR_APDU_TRANSPORT` when PC/SC fails.
   */
  transaction<T>(sequence: () => Promise<T>): Promise<T>;
  /** The ATR pcscd reported. */
  readonly atr: Uint8Array | undefined;
  /** Disconnect (leaving the card powered) and release pcscd. */
  close(): Promise<void>;
}

const transportError = (message: string, cause?: unknown) => new ApduError('ERR_APDU_TRANSPORT', message, cause === undefined ? {} : { cause });

/** pcsc-lite's SCARD_E_SHARING_VIOLATION, as the addon's error message carries it. */
const SHARING_VIOLATION = /0x8010000b|sharing violation/i;

/** How often a sequence retries an exclusive connection while another client holds the card. */
const LOCK_RETRY_MS = 50;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Load pcsclite lazily (internal; `importModule` is the seam tests use).
 * @throws ApduError `ERR_APDU_TRANSPORT` with {@link PCSCLITE_INSTALL_HINT} when it is not installed or not a pcsclite module.
 */
export async function loadPcsclite(importModule: (name: string) => Promise<unknown> = (name) => import(name)): Promise<PcscLiteFactory> {
  let mod: unknown;
  try {
    mod = await importModule('pcsclite');
  } catch (e) {
    throw transportError(`the PC/SC transport needs pcsclite, which is not installed: ${PCSCLITE_INSTALL_HINT}`, e);
  }
  const m = mod as { default?: unknown } | undefined;
  const factory = typeof m?.default === 'function' ? m.default : mod;
  if (typeof factory !== 'function') throw transportError(`the module loaded as pcsclite does not export its factory: ${PCSCLITE_INSTALL_HINT}`);
  return factory as PcscLiteFactory;
}

/** Open a PC/SC context; the addon throws a plain Error when pcscd is not running. */
function openContext(factory: PcscLiteFactory): PcscLite {
  try {
    return factory();
  } catch (e) {
    throw transportError(`cannot open a PC/SC context (is pcscd running?): ${e instanceof Error ? e.message : String(e)}`, e);
  }
}

/**
 * The names of the connected readers (waits up to `timeoutMs`, default 1000, for pcscd to
 * report them). Throws `ERR_APDU_TRANSPORT` when pcsclite or pcscd is unavailable.
 */
export async function listPcscReaders(options: { timeoutMs?: number; pcsclite?: PcscLiteFactory } = {}): Promise<string[]> {
  const pcsc = openContext(options.pcsclite ?? (await loadPcsclite()));
  const names: string[] = [];
  const seen: PcscReader[] = [];
  const release = () => {
    for (const r of seen) r.close();
    pcsc.close();
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      release();
      resolve(names);
    }, options.timeoutMs ?? 1000);
    pcsc.on('reader', (r) => {
      names.push(r.name);
      seen.push(r);
      r.on('error', () => {});
    });
    pcsc.on('error', (e) => {
      clearTimeout(timer);
      release();
      reject(transportError(`PC/SC error: ${e.message}`, e));
    });
  });
}

/**
 * Connect to a card through PC/SC and return it as a {@link CardTransport}. Waits for a
 * reader (matching `options.reader`) with a card. Throws `ApduError` `ERR_APDU_TRANSPORT`
 * when pcsclite is not installed (the message says what to install), pcscd is not running
 * or fails, or no card shows up in time: never the addon's plain Error.
 */
export async function openPcscTransport(options: PcscOptions = {}): Promise<PcscTransport> {
  const pcsc = openContext(options.pcsclite ?? (await loadPcsclite()));
  const seen: PcscReader[] = [];
  // pcsclite watches every reader's status in a thread: close them all, or the process never exits.
  const release = () => {
    for (const r of seen) r.close();
    pcsc.close();
  };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { reader, protocol, atr } = await new Promise<{ reader: PcscReader; protocol: number; atr: Uint8Array | undefined }>((resolve, reject) => {
    let done = false;
    const fail = (e: ApduError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      release();
      reject(e);
    };
    const timer = setTimeout(() => fail(transportError(`no card found in ${options.reader === undefined ? 'any reader' : `a reader matching "${options.reader}"`} within ${timeoutMs} ms`)), timeoutMs);
    pcsc.on('error', (e) => fail(transportError(`PC/SC error: ${e.message}`, e)));
    pcsc.on('reader', (r) => {
      seen.push(r);
      r.on('error', () => {});
      if (options.reader !== undefined && !r.name.includes(options.reader)) return;
      r.on('status', (status) => {
        if (done || (status.state & r.SCARD_STATE_PRESENT) === 0) return;
        try {
          r.connect({ share_mode: options.exclusive === true ? r.SCARD_SHARE_EXCLUSIVE : r.SCARD_SHARE_SHARED }, (err, protocol) => {
            if (done) return;
            if (err) return fail(transportError(`cannot connect to the card in ${r.name}: ${err.message}`, err));
            done = true;
            clearTimeout(timer);
            resolve({ reader: r, protocol, atr: status.atr === undefined ? undefined : new Uint8Array(status.atr) });
          });
        } catch (e) {
          fail(transportError(`cannot connect to the card in ${r.name}: ${e instanceof Error ? e.message : String(e)}`, e));
        }
      });
    });
  });
  const maxResponse = options.extendedLength === true ? 65536 + 2 : 256 + 2;
  const alwaysExclusive = options.exclusive === true;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  let closed = false;
  let active = protocol;
  /** The tail of the sequence queue (settled, never rejected). */
  let queue: Promise<void> = Promise.resolve();

  const connectAs = (shareMode: number) =>
    new Promise<number>((resolve, reject) => {
      try {
        reader.connect({ share_mode: shareMode }, (err, p) => (err ? reject(err) : resolve(p)));
      } catch (e) {
        reject(e);
      }
    });
  const disconnectLeavingCard = () =>
    new Promise<void>((resolve, reject) => {
      try {
        reader.disconnect(reader.SCARD_LEAVE_CARD, (err) => (err ? reject(err) : resolve()));
      } catch (e) {
        reject(e);
      }
    });
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

  /** Swap the shared connection for an exclusive one, waiting while other clients are connected. */
  async function takeExclusive(): Promise<void> {
    await disconnectLeavingCard();
    const deadline = Date.now() + lockTimeoutMs;
    for (;;) {
      try {
        active = await connectAs(reader.SCARD_SHARE_EXCLUSIVE);
        return;
      } catch (e) {
        if (!SHARING_VIOLATION.test(message(e)) || Date.now() >= deadline) {
          await giveBack();
          if (SHARING_VIOLATION.test(message(e))) {
            throw new ApduError('ERR_APDU_CARD_BUSY', `another PC/SC client kept the card in ${reader.name} for ${lockTimeoutMs} ms; close it (or raise lockTimeoutMs) and try again`, { cause: e });
          }
          throw transportError(`cannot reserve the card in ${reader.name}: ${message(e)}`, e);
        }
        await delay(LOCK_RETRY_MS);
      }
    }
  }

  /** Back to a shared connection (after a sequence, or after failing to reserve the card). */
  async function giveBack(): Promise<void> {
    try {
      await disconnectLeavingCard();
    } catch {
      // Not connected (a failed exclusive connect): connect shared below all the same.
    }
    active = await connectAs(reader.SCARD_SHARE_SHARED);
  }

  return {
    readerName: reader.name,
    atr,
    extendedLength: options.extendedLength === true,
    transaction<T>(sequence: () => Promise<T>): Promise<T> {
      if (typeof sequence !== 'function') throw new TypeError('sequence must be a function');
      const run = async (): Promise<T> => {
        if (closed) throw transportError('the PC/SC transport is closed');
        if (alwaysExclusive) return sequence();
        await takeExclusive();
        let result: T;
        try {
          result = await sequence();
        } catch (e) {
          await giveBack().catch(() => undefined);
          throw e;
        }
        try {
          await giveBack();
        } catch (e) {
          throw transportError(`cannot reconnect to the card in ${reader.name}: ${message(e)}`, e);
        }
        return result;
      };
      const next = queue.then(run);
      queue = next.then(
        () => undefined,
        () => undefined,
      );
      return next;
    },
    transmit(command: Uint8Array): Promise<Uint8Array> {
      assertBytes(command, 'command');
      if (closed) return Promise.reject(transportError('the PC/SC transport is closed'));
      return new Promise((resolve, reject) => {
        try {
          reader.transmit(command, maxResponse, active, (err, data) => {
            if (err) reject(transportError(`PC/SC transmit failed: ${err.message}`, err));
            else resolve(new Uint8Array(data));
          });
        } catch (e) {
          reject(transportError(`PC/SC transmit failed: ${e instanceof Error ? e.message : String(e)}`, e));
        }
      });
    },
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => {
        try {
          reader.disconnect(reader.SCARD_LEAVE_CARD, () => {
            release();
            resolve();
          });
        } catch {
          // The card or reader is already gone: release pcscd all the same.
          release();
          resolve();
        }
      });
    },
  };
}
