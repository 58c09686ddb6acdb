/**
 * The PC/SC transport (PC/SC Workgroup specification, as pcsc-lite implements it), over the
 * `pcsclite` npm package: an optional peer dependency that `npm install shomei` never
 * installs or compiles. It is loaded with a dynamic import on first use (or passed in as
 * `options.pcsclite`), so the library stays pure TypeScript without it. Linux needs pcscd
 * and libpcsclite; macOS and Windows ship PC/SC.
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
  /** Connect exclusively instead of shared (default shared). */
  readonly exclusive?: boolean;
  /**
   * pcsclite's default export, when you import it yourself (a bundler that cannot follow the
   * dynamic import, or a test). Default: `import('pcsclite')` on first use.
   */
  readonly pcsclite?: PcscLiteFactory;
}

/** A connected PC/SC card. */
export interface PcscTransport extends CardTransport {
  readonly readerName: string;
  /** The ATR pcscd reported. */
  readonly atr: Uint8Array | undefined;
  /** Disconnect (leaving the card powered) and release pcscd. */
  close(): Promise<void>;
}

const transportError = (message: string, cause?: unknown) => new ApduError('ERR_APDU_TRANSPORT', message, cause === undefined ? {} : { cause });

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
  let closed = false;
  return {
    readerName: reader.name,
    atr,
    extendedLength: options.extendedLength === true,
    transmit(command: Uint8Array): Promise<Uint8Array> {
      assertBytes(command, 'command');
      if (closed) return Promise.reject(transportError('the PC/SC transport is closed'));
      return new Promise((resolve, reject) => {
        try {
          reader.transmit(command, maxResponse, protocol, (err, data) => {
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
