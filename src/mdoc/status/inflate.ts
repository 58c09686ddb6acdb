/**
 * Inflating ZLIB-wrapped DEFLATE (RFC 1950 / RFC 1951), as the Token Status List compresses
 * its byte array (draft-ietf-oauth-status-list §4.1), with a limit on the decompressed size
 * enforced while inflating, so that a decompression bomb never takes more than about the
 * limit in memory.
 *
 * Uses the platform's `DecompressionStream('deflate')` (browsers, Node ≥ 18, Deno, Bun) and
 * falls back to fflate where there is none (React Native, older engines) or where it cannot be
 * held to one whole stream (see `learnTrailing`), loaded with an `import()` only then: checking
 * a status list never loads fflate where the platform inflates.
 */

import { isShomeiError, MdocError } from '../../errors.js';

/** The default limit on a decompressed status list: 16 MiB (134 million 1-bit entries). */
export const DEFAULT_MAX_INFLATED_BYTES = 16 * 1024 * 1024;

/** Input is fed to the inflater in slices this big, so one step never yields more than ~1 MiB. */
const SLICE = 1024;

/** How to inflate. */
export interface InflateOptions {
  /** The most decompressed bytes accepted; default {@link DEFAULT_MAX_INFLATED_BYTES}. */
  readonly maxBytes?: number;
  /** Which inflater to use: `'auto'` (default: the platform's when present), or one forced (for tests). */
  readonly implementation?: 'auto' | 'platform' | 'fflate';
}

function tooLarge(max: number): MdocError {
  return new MdocError('ERR_MDOC_STATUS_LIMIT', `the decompressed data exceeds the limit of ${max} bytes`);
}

function corrupt(message: string, cause?: unknown): MdocError {
  return new MdocError('ERR_MDOC_DEFLATE', `not a complete ZLIB stream: ${message}`, cause === undefined ? {} : { cause });
}

/** Adler-32 (RFC 1950 §8.2) of `data`. */
function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    const end = Math.min(i + 3800, data.length);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function join(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Run `data` through the platform's inflater: the chunks (when `keep`) and their total. */
async function streamPlatform(data: Uint8Array, max: number, keep: boolean): Promise<{ chunks: Uint8Array[]; total: number }> {
  const stream = new DecompressionStream('deflate');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  // Write in small slices while reading, so backpressure bounds what is inflated ahead.
  const writing = (async () => {
    for (let i = 0; i < data.length; i += SLICE) await writer.write(data.slice(i, i + SLICE));
    await writer.close();
  })();
  writing.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(max);
      }
      if (keep) chunks.push(value);
    }
    await writing;
  } catch (e) {
    if (isShomeiError(e)) throw e;
    throw corrupt(e instanceof Error ? e.message : String(e), e);
  }
  return { chunks, total };
}

/** ZLIB of the one byte 0x00 (RFC 1950): the stream the platform's inflater is tried on. */
const TINY = new Uint8Array([0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);

/**
 * What the platform's inflater does with bytes after the ZLIB stream, learnt once on a tiny
 * stream. The Compression Streams standard refuses them, and Bun, Deno and Chromium do; Node's
 * DecompressionStream (20, at least) ends at the end of the stream and ignores them, so there
 * a stream followed by bytes that end in its own Adler-32 (the stream twice, say) would pass
 * the check value test below. `ignored` is usable only where a stream missing its last byte
 * is refused (Node: "unexpected end of file"; Deno accepts it): then the input without its last
 * byte must fail. Where neither holds, the platform is not used.
 */
type Trailing = 'refused' | 'ignored' | 'unusable';
let trailing: Promise<Trailing> | undefined;

async function learnTrailing(): Promise<Trailing> {
  const inflates = async (bytes: Uint8Array): Promise<boolean> => {
    try {
      await streamPlatform(bytes, 16, false);
      return true;
    } catch {
      return false;
    }
  };
  if (!(await inflates(TINY))) return 'unusable';
  if (!(await inflates(new Uint8Array([...TINY, 0x00])))) return 'refused';
  return (await inflates(TINY.subarray(0, TINY.length - 1))) ? 'unusable' : 'ignored';
}

async function inflatePlatform(data: Uint8Array, max: number, mode: Trailing): Promise<Uint8Array> {
  const { chunks, total } = await streamPlatform(data, max, true);
  if (mode === 'ignored') {
    // Inflated again without its last byte (output discarded), the input must fail for want of it.
    let complete = true;
    try {
      await streamPlatform(data.subarray(0, data.length - 1), max, false);
    } catch {
      complete = false;
    }
    if (complete) throw corrupt('bytes follow the ZLIB stream');
  }
  return join(chunks, total);
}

/**
 * Push `data` through fflate's Unzlib in slices and count the output, keeping none of it:
 * the header check (RFC 1950 §2.2) and the size limit, applied while inflating. fflate takes
 * the last four bytes as the check value and stops at the final block, ignoring whatever
 * comes between; and where a code runs past the input, it waits for more, so when the last
 * push holds only the check value it ends a stream cut short without complaint.
 */
function unzlibSize(Unzlib: typeof import('fflate').Unzlib, data: Uint8Array, max: number): number {
  let total = 0;
  let ended = false;
  const inflater = new Unzlib((chunk, final) => {
    total += chunk.length;
    if (final) ended = true;
  });
  try {
    for (let i = 0; i < data.length; i += SLICE) {
      inflater.push(data.subarray(i, i + SLICE), i + SLICE >= data.length);
      if (total > max) throw tooLarge(max);
    }
  } catch (e) {
    if (isShomeiError(e)) throw e;
    throw corrupt(e instanceof Error ? e.message : String(e), e);
  }
  if (!ended) throw corrupt('unexpected end of data');
  return total;
}

async function inflateFflate(data: Uint8Array, max: number): Promise<Uint8Array> {
  const { Unzlib, inflateSync } = await import('fflate');
  const total = unzlibSize(Unzlib, data, max);
  // fflate's synchronous inflater is strict where the streaming one is not: a code that runs
  // past the end of its input is an error. It inflates the DEFLATE data (after the two-byte
  // header: Unzlib refused a preset dictionary) into the size just counted.
  const deflated = data.subarray(2, data.length - 4);
  let out: Uint8Array;
  try {
    out = inflateSync(deflated, { out: new Uint8Array(total) });
  } catch (e) {
    throw corrupt(e instanceof Error ? e.message : String(e), e);
  }
  if (out.length !== total) throw corrupt('the DEFLATE data inflates to a different length on a second reading');
  // The DEFLATE data must end where the check value begins: its last byte holds the end of
  // the final block, so without that byte the strict inflater must fail. If it does not,
  // bytes followed the stream. (The streaming inflater cannot tell: it completed about one
  // valid stream in 1,400 without its last byte, and the check refused them: fuzz14 finding.)
  let complete = deflated.length > 1;
  if (complete) {
    try {
      inflateSync(deflated.subarray(0, deflated.length - 1), { out: new Uint8Array(total) });
    } catch {
      complete = false;
    }
  }
  if (complete) throw corrupt('bytes follow the DEFLATE data before the Adler-32 check value');
  return out;
}

/**
 * Inflate ZLIB data, refusing output past `maxBytes` as soon as it is reached. The ZLIB
 * stream must be the whole input: its Adler-32 check value (its last four bytes) is checked
 * whichever inflater ran, and bytes after the stream are refused by both (a second ZLIB
 * stream too). Raw DEFLATE, gzip and a stream with a preset dictionary (FDICT, RFC 1950
 * §2.2: none is defined for a status list) are refused.
 *
 * Two known differences remain between the inflaters, both in DEFLATE data that zlib (and so
 * the platform's `DecompressionStream` on Node) refuses and fflate inflates: Huffman code
 * lengths that do not form a complete code ("invalid code lengths set"), and a stored block
 * whose NLEN is not the one's complement of its LEN (RFC 1951 §3.2.4; fflate reads LEN only).
 * Such data comes only from the list's signer (the token is verified before its list is
 * inflated), and the Adler-32 check still holds the output to what was compressed.
 *
 * @throws MdocError `ERR_MDOC_DEFLATE` for data that is not a complete, correct ZLIB stream;
 *   `ERR_MDOC_STATUS_LIMIT` when the output would pass `maxBytes`.
 * @throws RangeError for a `maxBytes` that is not a positive integer.
 */
export async function inflateZlib(data: Uint8Array, options: InflateOptions = {}): Promise<Uint8Array> {
  if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  const max = options.maxBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('options.maxBytes must be a positive integer');
  const which = options.implementation ?? 'auto';
  const platform = which === 'platform' || (which === 'auto' && typeof DecompressionStream === 'function');
  if (data.length < 6) throw corrupt('shorter than a ZLIB header and check value');
  const mode = platform ? await (trailing ??= learnTrailing()) : 'unusable';
  const out = mode === 'unusable' ? await inflateFflate(data, max) : await inflatePlatform(data, max, mode);
  const n = data.length;
  const expected = ((data[n - 4]! << 24) | (data[n - 3]! << 16) | (data[n - 2]! << 8) | data[n - 1]!) >>> 0;
  if (adler32(out) !== expected) throw corrupt('the Adler-32 check value does not match (or bytes follow the stream)');
  return out;
}
