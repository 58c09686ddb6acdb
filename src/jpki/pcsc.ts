/**
 * The PC/SC transport, over the `pcsclite` npm package (an optional dependency, loaded
 * with a dynamic import on first use so the library stays pure TypeScript without it).
 * Linux needs pcscd and libpcsclite; macOS and Windows ship PC/SC.
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

/** The part of pcsclite's API used here. */
interface PcscReader {
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
interface PcscLite {
  on(event: 'reader', listener: (reader: PcscReader) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void;
}

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

/** Load pcsclite lazily; `ERR_APDU_TRANSPORT` with an install hint when it is missing. */
async function loadPcsclite(): Promise<() => PcscLite> {
  const name = 'pcsclite';
  try {
    const mod = (await import(name)) as { default?: () => PcscLite } & (() => PcscLite);
    return typeof mod.default === 'function' ? mod.default : mod;
  } catch (e) {
    throw transportError('the PC/SC transport needs the optional dependency pcsclite (npm install pcsclite; on Linux also pcscd and libpcsclite-dev)', e);
  }
}

/**
 * The names of the connected readers (waits up to `timeoutMs`, default 1000, for pcscd to
 * report them). Throws `ERR_APDU_TRANSPORT` when pcsclite or pcscd is unavailable.
 */
export async function listPcscReaders(options: { timeoutMs?: number } = {}): Promise<string[]> {
  const pcsclite = await loadPcsclite();
  const pcsc = pcsclite();
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
 * when pcsclite is not installed, pcscd fails, or no card shows up in time.
 */
export async function openPcscTransport(options: PcscOptions = {}): Promise<PcscTransport> {
  const pcsclite = await loadPcsclite();
  const pcsc = pcsclite();
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
        r.connect({ share_mode: options.exclusive === true ? r.SCARD_SHARE_EXCLUSIVE : r.SCARD_SHARE_SHARED }, (err, protocol) => {
          if (done) return;
          if (err) return fail(transportError(`cannot connect to the card in ${r.name}: ${err.message}`, err));
          done = true;
          clearTimeout(timer);
          resolve({ reader: r, protocol, atr: status.atr === undefined ? undefined : new Uint8Array(status.atr) });
        });
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
        reader.transmit(command, maxResponse, protocol, (err, data) => {
          if (err) reject(transportError(`PC/SC transmit failed: ${err.message}`, err));
          else resolve(new Uint8Array(data));
        });
      });
    },
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => {
        reader.disconnect(reader.SCARD_LEAVE_CARD, () => {
          release();
          resolve();
        });
      });
    },
  };
}
